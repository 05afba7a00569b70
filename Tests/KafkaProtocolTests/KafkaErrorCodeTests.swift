import Testing
@testable import KafkaProtocol

@Test func errorCodesKeepTheirWireValue() {
    #expect(KafkaErrorCode.unsupportedVersion.rawValue == 35)
    #expect(KafkaErrorCode(rawValue: 35) == .unsupportedVersion)
}
