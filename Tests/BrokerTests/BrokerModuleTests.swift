import Testing
@testable import Broker

@Test func brokerModuleLinks() {
    #expect(String(describing: BrokerModule.self) == "BrokerModule")
}
