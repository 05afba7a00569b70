import PetrelCore
import Testing
@testable import PromQL

/// Queries covering every construct of the grammar; each must parse, and its printed form
/// must parse back to an equal tree and print the same again.
let validQueries: [String] = [
    // Number literals.
    "1", "1.5", ".5", "5.", "0x1f", "0X1F", "1e3", "1E-3", "2.5e+10", "Inf", "+Inf", "-Inf", "inf", "NaN", "nan",
    "-1", "+1", "- -1", "010", "1e+06",
    // String literals.
    #""foo""#, "'foo'", "`foo`", #""a\"b""#, #"'a\'b'"#, #""\n\t\\""#, #""\x41\u00e9\U0001F600""#, #""\101""#,
    "`raw \\ string`", #""""#,
    // Instant selectors.
    "foo", "foo:bar", "foo_bar1", "foo{}", #"foo{a="b"}"#, #"foo{a="b",}"#, #"foo{a="b", c!="d", e=~"f.*", g!~"h"}"#,
    #"{__name__="foo"}"#, #"{__name__=~"foo|bar"}"#, #"{a="b"}"#, #"{a=~".+"}"#, #"{a!="", b="c"}"#,
    #"foo{a='b'}"#, "foo{a=`b`}", "min", "by", "offset", "start", "end", "and", "sum{a=\"b\"}",
    #"foo{on="x", by="y", sum="z"}"#,
    // Range selectors and durations.
    "foo[5m]", "foo[1h30m]", "foo[100ms]", "foo[1s]", "foo[2d]", "foo[1w]", "foo[1y]", "foo[1y2w3d4h5m6s7ms]",
    "foo[ 5m ]", #"foo{a="b"}[5m]"#, "foo[90m]",
    // Offset and @.
    "foo offset 5m", "foo offset -5m", "foo OFFSET 1h", "foo[5m] offset 1h", "foo @ 1609746000", "foo @ 1609746000.5",
    "foo @ -100", "foo @ +100", "foo @ start()", "foo @ end()", "foo[5m] @ end()", "foo @ 100 offset 5m",
    "foo offset 5m @ 100", "foo[5m] offset 1m @ 10", "foo @ 0x10",
    // Subqueries.
    "foo[1h:5m]", "foo[1h:]", "rate(foo[5m])[1h:1m]", "(foo + bar)[10m:1m]", "foo[1h:5m] offset 10m",
    "foo[1h:5m] @ 100", "foo[1h:5m] @ start() offset -5m", "sum(foo)[30m:]", "foo offset 5m[10m:1m]",
    "max_over_time(rate(foo[5m])[1h:1m])", "foo[ 10m : 1m ]",
    // Parentheses and unary operators.
    "(foo)", "((1))", "-foo", "+foo", "-(foo + 1)", "-foo ^ 2", "- -foo",
    // Binary operators and precedence.
    "1 + 2", "1 - 2 - 3", "2 * 3 + 4", "2 + 3 * 4", "2 ^ 3 ^ 2", "(2 ^ 3) ^ 2", "foo + bar * baz", "foo / bar % 3",
    "foo atan2 bar", "foo ATAN2 2", "1 == bool 1", "1 != bool 2", "foo > 1", "foo < bool 1", "foo >= 1", "foo <= 1",
    "foo == bar", "foo != bar", "foo and bar", "foo or bar", "foo unless bar", "foo AND bar OR baz",
    "foo or bar and baz", "foo + bar > 2 and baz or qux", "1 + -2", "2 * -foo", "-1 ^ 2", "2 ^ -1",
    // Vector matching.
    "foo + on(a) bar", "foo + on(a, b) bar", "foo + on() bar", "foo + ignoring(a) bar", "foo + ignoring() bar",
    "foo * on(a) group_left bar", "foo * on(a) group_left(b) bar", "foo * ignoring(a) group_right(b, c) bar",
    "foo * on(a) group_left() (bar)", "foo > bool on(a) bar", "foo and on(a) bar", "foo or ignoring(a) bar",
    "foo unless on() bar", "foo + on(a,) bar", "foo + ON(a) GROUP_LEFT(b) bar",
    // Aggregations.
    "sum(foo)", "sum by (a) (foo)", "sum by (a, b) (foo)", "sum(foo) by (a)", "sum without (a) (foo)",
    "sum(foo) without (a)", "sum by () (foo)", "sum without () (foo)", "avg(foo)", "count(foo)", "min(foo)",
    "max(foo)", "group(foo)", "stddev(foo)", "stdvar(foo)", "topk(3, foo)", "bottomk(3, foo)",
    "quantile(0.9, foo)", #"count_values("value", foo)"#, "SUM(foo) BY (a)", "sum by (a,) (foo)",
    "sum without (and, by, avg, count, on, offset, start) (foo)", "sum(rate(foo[5m])) by (job)",
    "topk by (a) (5, foo)", "sum(foo:bar)",
    // Function calls.
    "rate(foo[5m])", "irate(foo[5m])", "increase(foo[1h])", "delta(foo[5m])", "time()", "pi()", "vector(1)",
    "scalar(foo)", "abs(foo)", "round(foo)", "round(foo, 5)", "clamp(foo, 0, 1)",
    #"label_replace(foo, "a", "$1", "b", "(.*)")"#, #"label_join(foo, "a", ",", "b", "c", "d")"#,
    "histogram_quantile(0.9, rate(foo[5m]))", "quantile_over_time(0.5, foo[5m])", "holt_winters(foo[5m], 0.5, 0.5)",
    "predict_linear(foo[5m], 3600)", "hour()", "hour(foo)", "days_in_month(foo)", "absent(foo)",
    "absent_over_time(foo[5m])", "sort_desc(foo)", "timestamp(foo)", "rate((foo[5m]))",
    // Comments and whitespace.
    "foo # comment", "# comment\nfoo", "sum(\n  foo # inner\n)", "foo\t+\nbar",
]

/// Malformed queries with Prometheus' error message (position included).
let invalidQueries: [(query: String, message: String)] = [
    ("", "1:1: parse error: no expression found in input"),
    ("# just a comment\n\n", "1:1: parse error: no expression found in input"),
    ("1+", "1:3: parse error: unexpected end of input"),
    (".", "1:1: parse error: unexpected character: '.'"),
    ("2.5.", "1:4: parse error: unexpected character: '.'"),
    ("100..4", #"1:5: parse error: unexpected number ".4""#),
    ("0deadbeef", #"1:1: parse error: bad number or duration syntax: "0de""#),
    ("1 /", "1:4: parse error: unexpected end of input"),
    ("*1", "1:1: parse error: unexpected <op:*>"),
    ("(1))", "1:5: parse error: unexpected right parenthesis ')'"),
    ("((1)", "1:5: parse error: unclosed left parenthesis"),
    ("(", "1:2: parse error: unclosed left parenthesis"),
    ("1 and 1", #"1:1: parse error: set operator "and" not allowed in binary scalar expression"#),
    ("1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
    ("1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"),
    ("1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"),
    (#"-"string""#, #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string""#),
    ("-test[5m]", #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector""#),
    ("1 offset 1d", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    ("foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"),
    ("a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"),
    ("1 or on(bar) foo", "1:1: parse error: vector matching only allowed between instant vectors"),
    ("foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"),
    ("foo and on(bar) group_left(baz) bar", #"1:1: parse error: no grouping allowed for "and" operation"#),
    (#"foo + on(instance) group_left(job,instance) bar"#, #"1:5: parse error: label "instance" must not occur in ON and GROUP clause at once"#),
    ("foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"),
    ("foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
    ("foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"),
    ("foo @ 9223372036854775808", "1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000"),
    ("{", "1:2: parse error: unexpected end of input inside braces"),
    ("}", "1:1: parse error: unexpected character: '}'"),
    ("some{", "1:6: parse error: unexpected end of input inside braces"),
    ("some_metric{a=b}", #"1:15: parse error: unexpected identifier "b" in label matching, expected string"#),
    (#"some_metric{a:b="b"}"#, "1:14: parse error: unexpected character inside braces: ':'"),
    (#"foo{a*"b"}"#, "1:6: parse error: unexpected character inside braces: '*'"),
    ("foo{gibberish}", #"1:14: parse error: unexpected "}" in label matching, expected label matching operator"#),
    ("foo{1}", "1:5: parse error: unexpected character inside braces: '1'"),
    ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
    (#"{x=""}"#, "1:1: parse error: vector selector must contain at least one non-empty matcher"),
    (#"{x=~".*"}"#, "1:1: parse error: vector selector must contain at least one non-empty matcher"),
    (#"{x!="a"}"#, "1:1: parse error: vector selector must contain at least one non-empty matcher"),
    (#"foo{__name__="bar"}"#, #"1:1: parse error: metric name must not be set twice: "foo" or "bar""#),
    ("foo{__name__= =}", #"1:15: parse error: unexpected "=" in label matching, expected string"#),
    ("foo{,}", #"1:5: parse error: unexpected "," in label matching, expected identifier or "}""#),
    (#"foo{__name__ == "bar"}"#, #"1:15: parse error: unexpected "=" in label matching, expected string"#),
    (#"foo{__name__="bar" lol}"#, #"1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}""#),
    ("foo[5mm]", #"1:5: parse error: bad duration syntax: "5mm""#),
    ("foo[5m1]", #"1:5: parse error: bad duration syntax: "5m1""#),
    ("foo[5m:1m1]", #"1:8: parse error: bad number or duration syntax: "1m1""#),
    ("foo[5y1hs]", #"1:5: parse error: not a valid duration string: "5y1hs""#),
    ("foo[5m1h]", #"1:5: parse error: not a valid duration string: "5m1h""#),
    ("foo[0m]", "1:5: parse error: duration must be greater than 0"),
    ("foo[]", "1:5: parse error: missing unit character in duration"),
    ("foo[1]", "1:5: parse error: missing unit character in duration"),
    ("some_metric[5m] OFFSET 1", #"1:24: parse error: unexpected number "1" in offset, expected duration"#),
    ("some_metric[5m] OFFSET", "1:23: parse error: unexpected end of input in offset, expected duration"),
    ("some_metric OFFSET 1m[5m]", "1:22: parse error: no offset modifiers allowed before range"),
    ("some_metric[5m] @ 1m", #"1:19: parse error: unexpected duration "1m" in @, expected timestamp"#),
    ("some_metric[5m] @", "1:18: parse error: unexpected end of input in @, expected timestamp"),
    ("some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"),
    ("(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"),
    ("sum without(==)(some_metric)", "1:13: parse error: unexpected <op:==> in grouping opts, expected label"),
    ("sum without(,)(some_metric)", #"1:13: parse error: unexpected "," in grouping opts, expected label"#),
    ("sum without(foo,,)(some_metric)", #"1:17: parse error: unexpected "," in grouping opts, expected label"#),
    ("sum some_metric by (test)", #"1:5: parse error: unexpected identifier "some_metric""#),
    ("sum (some_metric) by test", #"1:22: parse error: unexpected identifier "test" in grouping opts, expected "(""#),
    ("sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"),
    ("MIN (some_metric) keep_common", #"1:19: parse error: unexpected identifier "keep_common""#),
    ("sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"),
    ("topk(some_metric)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"),
    ("topk(some_metric,)", "1:17: parse error: trailing commas not allowed in function call args"),
    ("topk(some_metric, other_metric)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"),
    ("count_values(5, other_metric)", "1:14: parse error: expected type string in aggregation parameter, got scalar"),
    ("rate(some_metric[5m]) @ 1234", "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    ("floor()", #"1:1: parse error: expected 1 argument(s) in call to "floor", got 0"#),
    ("floor(some_metric, other_metric)", #"1:1: parse error: expected 1 argument(s) in call to "floor", got 2"#),
    ("floor(1)", #"1:7: parse error: expected type instant vector in call to function "floor", got scalar"#),
    ("hour(some_metric, some_metric, some_metric)", #"1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3"#),
    ("label_replace(foo, \"a\")", #"1:1: parse error: expected 5 argument(s) in call to "label_replace", got 2"#),
    ("label_join(foo)", #"1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1"#),
    ("time(some_metric)", #"1:1: parse error: expected 0 argument(s) in call to "time", got 1"#),
    ("non_existent_function_far_bar()", #"1:1: parse error: unknown function with name "non_existent_function_far_bar""#),
    ("rate(some_metric)", #"1:6: parse error: expected type range vector in call to function "rate", got instant vector"#),
    ("-=", #"1:2: parse error: unexpected "=""#),
    ("++-++-+-+-<", "1:11: parse error: unexpected <op:<>"),
    ("e-+=/(0)", #"1:4: parse error: unexpected "=""#),
    ("a>b()", #"1:3: parse error: unknown function with name "b""#),
    ("rate(avg)", #"1:6: parse error: expected type range vector in call to function "rate", got instant vector"#),
    ("`\\``", "1:4: parse error: unterminated raw string"),
    (#""\"#, "1:1: parse error: escape sequence not terminated"),
    (#""\c""#, "1:1: parse error: unknown escape sequence U+0063 'c'"),
    (#""\x.""#, "1:1: parse error: illegal character U+002E '.' in escape sequence"),
    ("\"abc\ndef\"", "1:1: parse error: unterminated quoted string"),
    ("test[5d] OFFSET 10s [10m:5s]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
    (#"(foo + bar{nm="val"})[5m:][10m:5s]"#, "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
    ("rate(food[1m])[1h] offset 1h", "1:15: parse error: ranges only allowed for vector selectors"),
    ("start()", #"1:6: parse error: unexpected "(""#),
    ("end()", #"1:4: parse error: unexpected "(""#),
    ("foo[5m:1m:1m]", "1:10: parse error: unexpected colon ':'"),
    ("foo]", "1:4: parse error: unexpected right bracket ']'"),
    ("foo[5m", "1:7: parse error: unclosed left bracket"),
    ("foo + \n  bar baz", "2:7: parse error: unexpected identifier \"baz\""),
    ("sum(foo) by (a:b)", "1:14: parse error: unexpected metric identifier \"a:b\" in grouping opts, expected label"),
    ("1 + on(a) 2", "1:1: parse error: vector matching only allowed between instant vectors"),
    ("foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
    (#"foo{a=~"("}"#, "1:5: parse error: error parsing regexp"),
    ("999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
     "parse error: error parsing number: strconv.ParseFloat: parsing"),
]

@Suite("PromQL parser")
struct ParserTests {
    @Test("every construct of the grammar parses and round-trips through the printer", arguments: validQueries)
    func roundTrip(query: String) throws {
        let expr = try Parser.parse(query)
        let printed = expr.description
        let reparsed: Expr
        do {
            reparsed = try Parser.parse(printed)
        } catch {
            Issue.record("printed form \(printed) of \(query) does not parse: \(error)")
            return
        }
        #expect(reparsed == expr, "\(query) printed as \(printed)")
        #expect(reparsed.description == printed)
    }

    @Test("the valid-query table has at least 100 entries")
    func tableSize() {
        #expect(validQueries.count >= 100)
    }

    @Test("malformed queries fail with Prometheus' message and position", arguments: invalidQueries)
    func malformed(query: String, message: String) {
        do {
            let expr = try Parser.parse(query)
            Issue.record("\(query) parsed as \(expr)")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message.hasPrefix(message) || (!message.hasPrefix("1:") && error.message.contains(message)),
                    "\(query): got \(error.message)")
        }
    }

    @Test("absurdly deep queries are refused instead of exhausting the stack")
    func deepNesting() throws {
        let cases = [
            String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
            Array(repeating: "a", count: 10_000).joined(separator: " + "),
            Array(repeating: "2", count: 10_000).joined(separator: " ^ "),
            String(repeating: "-", count: 10_000) + "a",
            "a" + String(repeating: "[1m:]", count: 10_000),
            String(repeating: "sum(", count: 5_000) + "a" + String(repeating: ")", count: 5_000),
        ]
        for query in cases {
            #expect(throws: PromQLError.self) { try Parser.parse(query) }
        }
        let fine = Array(repeating: "a", count: 150).joined(separator: " + ")
        #expect(try Parser.parse(fine).description == fine)
    }

    @Test("operators bind with Prometheus' precedence and associativity")
    func precedence() throws {
        #expect(try Parser.parse("1 + 2 * 3").description == "1 + 2 * 3")
        guard case .binary(let b) = try Parser.parse("2 ^ 3 ^ 2") else { Issue.record("not binary"); return }
        #expect(b.lhs == .number(NumberLiteral(2)))
        guard case .binary(let sum) = try Parser.parse("a - b - c"), case .binary = sum.lhs else {
            Issue.record("subtraction is not left-associative"); return
        }
        guard case .unary(let u) = try Parser.parse("-a ^ 2"), case .binary = u.expr else {
            Issue.record("unary minus binds tighter than ^"); return
        }
        guard case .binary(let mul) = try Parser.parse("-a * b"), case .unary = mul.lhs else {
            Issue.record("unary minus binds looser than *"); return
        }
        guard case .binary(let or) = try Parser.parse("a and b or c"), or.op == .or else {
            Issue.record("or binds loosest"); return
        }
        guard case .binary(let cmp) = try Parser.parse("a + b > c"), cmp.op == .gtr else {
            Issue.record("comparison binds looser than +"); return
        }
    }

    @Test("number literals follow Go's integer and float syntax")
    func numbers() throws {
        func value(_ q: String) throws -> Double {
            guard case .number(let n) = try Parser.parse(q) else { return .nan }
            return n.value
        }
        #expect(try value("0x1f") == 31)
        #expect(try value("010") == 8)
        #expect(try value("09") == 9)
        #expect(try value("1e3") == 1000)
        #expect(try value("-Inf") == -.infinity)
        #expect(try value("NaN").isNaN)
        #expect(try value(".5") == 0.5)
    }

    @Test("selectors carry offset, @ and the implicit name matcher")
    func selectorFields() throws {
        guard case .matrixSelector(let m) = try Parser.parse("foo[5m] offset -1h @ 10.5") else {
            Issue.record("not a matrix selector"); return
        }
        #expect(m.range == 300_000)
        #expect(m.selector.offset == -3_600_000)
        #expect(m.selector.at == .timestamp(10_500))
        #expect(m.selector.matchers.last == (try LabelMatcher(.equal, "__name__", "foo")))
        guard case .subquery(let s) = try Parser.parse("foo[1h:] @ end()") else { Issue.record("not a subquery"); return }
        #expect(s.step == 0 && s.range == 3_600_000 && s.at == .end)
    }

    @Test("strings resolve Go escapes")
    func strings() throws {
        guard case .string(let s) = try Parser.parse(#""a\n\x41\u00e9\101\"""#) else { Issue.record("not a string"); return }
        #expect(s.value == "a\nAéA\"")
        guard case .string(let raw) = try Parser.parse(#"`a\n`"#) else { Issue.record("not a string"); return }
        #expect(raw.value == #"a\n"#)
    }

    @Test("the printer writes Prometheus' canonical form")
    func printer() throws {
        let cases: [(String, String)] = [
            (#"sum by() (task:errors:rate10s{job="s"})"#, #"sum(task:errors:rate10s{job="s"})"#),
            (#"sum without(instance) (foo{job="s"})"#, #"sum without (instance) (foo{job="s"})"#),
            ("a - on(b) group_left c", "a - on (b) group_left () c"),
            ("a - ignoring() c", "a - c"),
            ("a @ 10", "a @ 10.000"),
            ("a[1m] @ 10 offset 90s", "a[1m] @ 10.000 offset 1m30s"),
            ("a offset -7m", "a offset -7m"),
            (#"foo{b="1", a=~"x"}"#, #"foo{a=~"x",b="1"}"#),
            ("foo[60m:120s]", "foo[1h:2m]"),
            ("1000000", "1e+06"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("SUM(x) BY (a)", "sum by (a) (x)"),
            ("foo[7d]", "foo[1w]"),
            ("foo[8d]", "foo[8d]"),
            (#"label_replace(a, "b\n", 'c', `d`, "(.*)")"#, #"label_replace(a, "b\n", "c", "d", "(.*)")"#),
        ]
        for (input, expected) in cases {
            #expect(try Parser.parse(input).description == expected)
        }
    }

    @Test("durations parse and print like Prometheus")
    func durations() throws {
        #expect(try PromDuration.parse("1h30m") == 5_400_000)
        #expect(try PromDuration.parse("1ms") == 1)
        #expect(try PromDuration.parse("1y") == 31_536_000_000)
        #expect(PromDuration.format(5_400_000) == "1h30m")
        #expect(PromDuration.format(90 * 86_400_000) == "90d")
        #expect(PromDuration.format(1_500) == "1s500ms")
        #expect(throws: PromDurationError.self) { try PromDuration.parse("1m1h") }
    }
}
