/// The embedded single-node Kafka broker: serves the topic log over the Kafka wire
/// protocol. (Built out by the broker work.)
public enum BrokerModule {}
