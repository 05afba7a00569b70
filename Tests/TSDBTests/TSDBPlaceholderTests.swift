import Testing
@testable import TSDB
