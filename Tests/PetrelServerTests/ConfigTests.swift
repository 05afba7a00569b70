import Testing
import PetrelCore
@testable import PetrelServer

@Suite struct ConfigTests {
    @Test("YAML configuration is applied and an unknown key is named with its file")
    func yaml() throws {
        var config = ServerConfig()
        try config.apply(yaml: "http_addr: 127.0.0.1:9999\nstorage:\n  fsync: always\ntsdb:\n  retention: 30d\n", file: "p.yaml")
        #expect(config.httpAddress == HostPort(host: "127.0.0.1", port: 9999))
        #expect(config.fsync == .always)
        #expect(config.tsdb.retention == 30 * 86_400_000)
        var other = ServerConfig()
        #expect {
            try other.apply(yaml: "tsdb:\n  retension: 30d\n", file: "p.yaml")
        } throws: { error in
            (error as? ConfigError)?.description == "p.yaml: tsdb.retension: unknown key"
        }
        #expect(throws: ConfigError.self) { try other.apply(yaml: "storage:\n  fsync: sometimes\n", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try other.apply(yaml: "tsdb:\n  retention: forever\n", file: "p.yaml") }
    }

    @Test("form parameters decode percent escapes, plus signs and repeated keys")
    func form() {
        let p = FormParameters(encoded: Array("match%5B%5D=up&match[]=a%7Bb%3D%22c%22%7D&query=sum+by+(x)+(y)&empty".utf8))
        #expect(p.all("match[]") == ["up", "a{b=\"c\"}"])
        #expect(p["query"] == "sum by (x) (y)")
        #expect(p["empty"] == "")
        #expect(p["missing"] == nil)
    }

    @Test("RFC 3339 timestamps convert to Unix milliseconds")
    func rfc3339() {
        #expect(RFC3339.millis("2015-07-01T20:10:51.781Z") == 1_435_781_451_781)
        #expect(RFC3339.millis("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.millis("2015-07-01T22:10:51+02:00") == 1_435_781_451_000)
        #expect(RFC3339.millis("2015-07-01") == nil)
    }
}
