import AdmitJSON
import Testing

@Suite("JSONNumber")
struct NumberTests {
    @Test(
        "exact Int64 values",
        arguments: [
            ("0", Int64(0)),
            ("-0", 0),
            ("17", 17),
            ("-17", -17),
            ("9223372036854775807", .max),
            ("-9223372036854775808", .min),
            ("-9223372036854775807", -9_223_372_036_854_775_807),
        ])
    func int64(_ text: String, _ expected: Int64) throws {
        let value = try JSONParser.parse(text)
        #expect(value.int64Value == expected)
        #expect(value.numberValue?.text == text)
        #expect(value.numberValue?.isInteger == true)
    }

    @Test(
        "no Int64 for overflow, fractions or exponents",
        arguments: [
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "123456789012345678901234567890",
            "1.0",
            "1.5",
            "1e2",
            "1E0",
            "-0.0",
        ])
    func noInt64(_ text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.int64Value == nil)
        #expect(value.numberValue?.text == text)
    }

    @Test(
        "Double values, including out-of-range magnitudes",
        arguments: [
            ("1.5", 1.5),
            ("-0.25", -0.25),
            ("1e2", 100.0),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
            ("1e400", Double.infinity),
            ("-1e400", -Double.infinity),
            ("1e-400", 0.0),
            ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ])
    func double(_ text: String, _ expected: Double) throws {
        #expect(try JSONParser.parse(text).doubleValue == expected)
    }

    @Test(
        "Double initialiser writes text that reads back exactly",
        arguments: [
            0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 1e16, 1e-5, 123456789.125,
            Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, Double.greatestFiniteMagnitude,
            -Double.greatestFiniteMagnitude, Double(Int64.max),
        ])
    func doubleRoundTrip(_ value: Double) throws {
        let number = try #require(JSONNumber(value))
        #expect(JSONNumber(literal: number.text) == number, "text \(number.text) must be valid JSON")
        let parsed = try JSONParser.parse(number.text)
        #expect(parsed.doubleValue == value)
        #expect(parsed.doubleValue?.sign == value.sign)
    }

    @Test("non-finite Doubles are not representable", arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFinite(_ value: Double) {
        #expect(JSONNumber(value) == nil)
    }

    @Test("Int64 and Int initialisers", arguments: [Int64.min, -1, 0, 1, 42, Int64.max])
    func integerInit(_ value: Int64) throws {
        #expect(JSONNumber(value).text == String(value))
        #expect(JSONNumber(value).int64 == value)
        #expect(JSONNumber(Int(value)) == JSONNumber(value))
        #expect(try JSONParser.parse(JSONNumber(value).text).int64Value == value)
    }

    @Test(
        "literal initialiser accepts exactly the RFC 8259 grammar",
        arguments: [
            ("0", true), ("-0", true), ("10", true), ("1.25", true), ("1e5", true), ("1E-5", true), ("-0.0e+0", true),
            ("", false), ("01", false), ("+1", false), (".5", false), ("1.", false), ("1e", false), ("-", false),
            (" 1", false), ("1 ", false), ("NaN", false), ("Infinity", false), ("0x1", false), ("1e5e5", false),
        ])
    func literal(_ text: String, _ valid: Bool) {
        #expect((JSONNumber(literal: text) != nil) == valid)
    }

    @Test("numbers compare by text")
    func equalityByText() throws {
        let one = try #require(JSONNumber(literal: "1"))
        let oneDotZero = try #require(JSONNumber(literal: "1.0"))
        #expect(one != oneDotZero)
        #expect(one.double == oneDotZero.double)
        #expect(one == JSONNumber(Int64(1)))
        #expect(Set([one, oneDotZero, JSONNumber(Int64(1))]).count == 2)
    }

    @Test("writer keeps number text verbatim")
    func verbatimOutput() throws {
        let value = try JSONParser.parse("[1.50,-0,1E+007,123456789012345678901234567890]")
        #expect(value.serialized() == "[1.50,-0,1E+007,123456789012345678901234567890]")
    }
}
