/// An ISO 3166-1 alpha-2 country code, e.g. `AT`: one of the 249 officially assigned codes.
public struct CountryCode: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Two uppercase ASCII letters.
    public let rawValue: String

    /// The code `text` names, ignoring ASCII case and surrounding white space; nil when unassigned.
    public init?(_ text: String) {
        let code = text.trimmingWhitespace().uppercasedASCII()
        guard CountryCode.assigned.contains(code) else { return nil }
        rawValue = code
    }

    /// The two letters.
    public var description: String { rawValue }
    /// Alphabetical order of the codes.
    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes a code from a string; an unassigned code is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let code = CountryCode(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown country code '\(raw)'")
        }
        self = code
    }

    /// Encodes the code as its two letters.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Every officially assigned ISO 3166-1 alpha-2 code.
    public static let assigned: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV \
        BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET \
        FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM \
        IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD \
        ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE \
        PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST \
        SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS \
        YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))
}

extension String {
    /// The string without leading and trailing Unicode white space and newlines.
    public func trimmingWhitespace() -> String {
        // Fast path: nothing to trim when both ends are ASCII and not white space.
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80, !ASCII.isWhitespace(first),
            !ASCII.isWhitespace(last)
        {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// The string with ASCII letters uppercased and everything else unchanged.
    func uppercasedASCII() -> String {
        guard utf8.contains(where: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else { return self }
        return String(decoding: utf8.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 32 : $0 }, as: UTF8.self)
    }
}
