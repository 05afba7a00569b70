import Testing
@testable import LogStorage
