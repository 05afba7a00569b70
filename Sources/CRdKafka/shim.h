// librdkafka's C API (Debian's librdkafka-dev) for the KafkaClient target.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
