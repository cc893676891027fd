import Foundation
import Testing

@testable import AdmitDomain

/// The ASCII fast paths of normalisation give exactly what the general (Foundation) path gives.
@Suite("ASCII fast paths")
struct ASCIIFastPathTests {
    /// Every ASCII character alone, between letters, and at both ends.
    static let singles: [String] = (0..<128).flatMap { code -> [String] in
        let c = String(UnicodeScalar(UInt8(code)))
        return [c, "a\(c)b", "\(c)Ab@Example.ORG\(c)", "x@y\(c).z"]
    }

    static func random(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix(seed: seed)
        let alphabet = Array("abcXYZ09@@..-_+ \t\r\n\u{0B}\u{0C}\u{01}\u{7F}!#$%&'*/=?^`{|}~\"(),:;<>[\\]")
        return (0..<count).map { _ in
            String((0..<Int(generator.next() % 24)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
    }

    @Test("Email normalisation: trimming, NFC and case folding", arguments: [singles, random(count: 20_000, seed: 4)])
    func normalisation(texts: [String]) {
        for text in texts {
            #expect(EmailAddress.asciiNormalized(text) == EmailAddress.unicodeNormalized(text), "\(text.debugDescription)")
        }
    }

    @Test("Email shape checks", arguments: [singles, random(count: 20_000, seed: 7)])
    func shape(texts: [String]) {
        for text in texts {
            let normal = EmailAddress.unicodeNormalized(text)
            #expect(
                EmailAddress.asciiShapeProblem(normal)?.problem == EmailAddress.unicodeShapeProblem(normal), "\(normal.debugDescription)")
        }
    }

    @Test("Non-ASCII text takes the general path")
    func nonASCII() throws {
        #expect(EmailAddress.asciiNormalized("Zoë@example.org") == nil)
        #expect(EmailAddress.asciiShapeProblem("zoë@example.org") == nil)
        #expect(try EmailAddress("ZOE\u{308}@Example.ORG").normalized == "zo\u{EB}@example.org")
        #expect(try EmailAddress(" \u{00A0}Ada@Example.org\u{2003}").normalized == "ada@example.org")
    }

    @Test("Trimming: the fast path returns the same text as the general one", arguments: [singles, random(count: 5_000, seed: 9)])
    func trimming(texts: [String]) {
        for text in texts {
            var scalars = String.UnicodeScalarView()
            scalars.append(
                contentsOf: text.unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }
                    .reversed())
            let general = String(scalars)
            #expect(text.trimmingWhitespace() == general, "\(text.debugDescription)")
        }
    }

    @Test("ASCII lowercasing and NFC")
    func lowercasingAndNFC() {
        #expect("RadioLOGIST".lowercasedASCII() == "radiologist")
        #expect("Ärzte".lowercasedASCII() == "Ärzte".replacingOccurrences(of: "rzte", with: "rzte"))
        #expect("e\u{301}".precomposedNFC().unicodeScalars.count == 1)
        #expect("plain".precomposedNFC() == "plain")
    }
}

/// A small deterministic generator, so that failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
