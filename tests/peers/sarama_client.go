// A small Kafka client built on Shopify's sarama (the Go client Telegraf's
// Kafka output and consumer plugins use), driven by tests/test_kafka_sarama.py.
// Debian's golang-github-shopify-sarama-dev provides the library; the test
// builds this file with GOPATH=/usr/share/gocode.
//
//	sarama_client produce BOOTSTRAP TOPIC N CODEC IDEMPOTENT   -> one JSON line per acknowledged message
//	sarama_client consume BOOTSTRAP TOPIC GROUP N              -> one JSON line per message, offsets committed
//	sarama_client admin   BOOTSTRAP TOPIC PARTITIONS           -> creates the topic, prints its metadata
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

type message struct {
	Partition int32             `json:"partition"`
	Offset    int64             `json:"offset"`
	Key       string            `json:"key"`
	Value     string            `json:"value"`
	Headers   map[string]string `json:"headers,omitempty"`
}

func config() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V2_1_0_0
	c.ClientID = "petrel-sarama-test"
	c.Metadata.Retry.Max = 10
	c.Metadata.Retry.Backoff = 200 * time.Millisecond
	return c
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func emit(m message) {
	line, err := json.Marshal(m)
	if err != nil {
		fail("json: %v", err)
	}
	fmt.Println(string(line))
}

func produce(bootstrap, topic string, n int, codec string, idempotent bool) {
	c := config()
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Return.Successes = true
	c.Producer.Partitioner = sarama.NewHashPartitioner
	c.Producer.Retry.Max = 5
	if idempotent {
		c.Producer.Idempotent = true
		c.Net.MaxOpenRequests = 1
	}
	switch codec {
	case "none":
		c.Producer.Compression = sarama.CompressionNone
	case "gzip":
		c.Producer.Compression = sarama.CompressionGZIP
	case "snappy":
		c.Producer.Compression = sarama.CompressionSnappy
	case "lz4":
		c.Producer.Compression = sarama.CompressionLZ4
	case "zstd":
		c.Producer.Compression = sarama.CompressionZSTD
	default:
		fail("unknown codec %q", codec)
	}
	producer, err := sarama.NewSyncProducer([]string{bootstrap}, c)
	if err != nil {
		fail("producer: %v", err)
	}
	defer producer.Close()
	batch := make([]*sarama.ProducerMessage, 0, 500)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if err := producer.SendMessages(batch); err != nil {
			fail("send: %v", err)
		}
		for _, m := range batch {
			key, _ := m.Key.Encode()
			value, _ := m.Value.Encode()
			headers := map[string]string{}
			for _, h := range m.Headers {
				headers[string(h.Key)] = string(h.Value)
			}
			emit(message{m.Partition, m.Offset, string(key), string(value), headers})
		}
		batch = batch[:0]
	}
	for i := 0; i < n; i++ {
		batch = append(batch, &sarama.ProducerMessage{
			Topic: topic,
			Key:   sarama.StringEncoder(fmt.Sprintf("key-%d", i%53)),
			Value: sarama.StringEncoder(fmt.Sprintf("sarama-%d", i)),
			Headers: []sarama.RecordHeader{
				{Key: []byte("n"), Value: []byte(strconv.Itoa(i))},
				{Key: []byte("client"), Value: []byte("sarama")},
			},
		})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

type handler struct {
	mu      sync.Mutex
	want    int
	got     int
	done    chan struct{}
	closing sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *handler) ConsumeClaim(session sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		headers := map[string]string{}
		for _, hd := range m.Headers {
			headers[string(hd.Key)] = string(hd.Value)
		}
		h.mu.Lock()
		emit(message{m.Partition, m.Offset, string(m.Key), string(m.Value), headers})
		session.MarkMessage(m, "")
		h.got++
		if h.got >= h.want {
			h.closing.Do(func() { close(h.done) })
		}
		h.mu.Unlock()
	}
	return nil
}

func consume(bootstrap, topic, group string, n int) {
	c := config()
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	c.Consumer.Return.Errors = false
	cg, err := sarama.NewConsumerGroup([]string{bootstrap}, group, c)
	if err != nil {
		fail("consumer group: %v", err)
	}
	h := &handler{want: n, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{topic}, h); err != nil {
				errs <- err
				return
			}
		}
	}()
	select {
	case <-h.done:
	case err := <-errs:
		fail("consume: %v", err)
	case <-time.After(60 * time.Second):
		fail("consume: only %d of %d messages after 60s", h.got, n)
	}
	// Let the committer send the last marked offsets, then leave the group.
	time.Sleep(500 * time.Millisecond)
	cancel()
	if err := cg.Close(); err != nil {
		fail("close: %v", err)
	}
}

func admin(bootstrap, topic string, partitions int) {
	a, err := sarama.NewClusterAdmin([]string{bootstrap}, config())
	if err != nil {
		fail("admin: %v", err)
	}
	defer a.Close()
	err = a.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: int32(partitions), ReplicationFactor: 1,
		ConfigEntries: map[string]*string{}}, false)
	if err != nil {
		fail("create topic: %v", err)
	}
	metas, err := a.DescribeTopics([]string{topic})
	if err != nil {
		fail("describe: %v", err)
	}
	for _, m := range metas {
		line, _ := json.Marshal(map[string]interface{}{"topic": m.Name, "error": int16(m.Err), "partitions": len(m.Partitions)})
		fmt.Println(string(line))
	}
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: sarama_client produce|consume|admin BOOTSTRAP TOPIC ...")
	}
	atoi := func(s string) int {
		v, err := strconv.Atoi(s)
		if err != nil {
			fail("not a number: %q", s)
		}
		return v
	}
	switch os.Args[1] {
	case "produce":
		produce(os.Args[2], os.Args[3], atoi(os.Args[4]), os.Args[5], os.Args[6] == "true")
	case "consume":
		consume(os.Args[2], os.Args[3], os.Args[4], atoi(os.Args[5]))
	case "admin":
		admin(os.Args[2], os.Args[3], atoi(os.Args[4]))
	default:
		fail("unknown command %q", os.Args[1])
	}
}
