import Testing

@testable import Admit

@Suite struct EnrolmentTallyTests {
    @Test(arguments: ["Ada Lovelace", "  ada   LOVELACE ", "Ada\tLovelace\n", "Zoë Ångström", "ZOË  ÅNGSTRÖM", "", "x", "Straße"])
    func theFastNameHashAgreesWithTheNameKey(name: String) {
        let fast = Array(name.utf8).withUnsafeBytes { EnrolmentTally.nameKeyHash($0) }
        let slow = Array(EnrolmentTally.nameKey(name).utf8).withUnsafeBytes { EnrolmentTally.nameKeyHash($0) }
        #expect(fast == slow)
    }

    @Test func namesThatDifferOnlyInCaseAndSpacingHashAlike() {
        func hash(_ name: String) -> Int { Array(name.utf8).withUnsafeBytes { EnrolmentTally.nameKeyHash($0) } }
        #expect(hash("Ada Lovelace") == hash("  ada   LOVELACE "))
        #expect(hash("Zoë Ångström") == hash("zoë ångström"))
        #expect(hash("Ada Lovelace") != hash("Ada Lovelac"))
    }

    @Test func tags() {
        #expect(EnrolmentTally.untagged("ada+idor@example.org") == "ada@example.org")
        #expect(EnrolmentTally.untagged("ada@ex+ample.org") == "ada@ex+ample.org")
        #expect(Array("a+b@x.org".utf8).withUnsafeBytes { EnrolmentTally.hasTag($0) })
        #expect(!Array("ab@x+y.org".utf8).withUnsafeBytes { EnrolmentTally.hasTag($0) })
    }
}
