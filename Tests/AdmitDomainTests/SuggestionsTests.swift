import AdmitDomain
import Testing

@Suite struct SuggestionsTests {
    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("email", "email", 0),
        ("emial", "email", 1), ("profesion", "profession", 1), ("ab", "ba", 1), ("ca", "abc", 3),
    ])
    func editDistanceCountsNeighbourSwapsAsOne(a: String, b: String, distance: Int) {
        #expect(Suggestions.editDistance(Array(a), Array(b)) == distance)
        #expect(Suggestions.editDistance(Array(b), Array(a)) == distance)
    }

    @Test func suggestsOnlyLikelyTypos() {
        let columns = ["email", "name", "profession", "country", "account", "subscription"]
        #expect(Suggestions.closest(to: "emial", in: columns) == "email")
        #expect(Suggestions.closest(to: "Profesion", in: columns) == "profession")
        #expect(Suggestions.closest(to: "shoe size", in: columns) == nil)
        #expect(Suggestions.closest(to: "idor-2020-7", in: ["idor-2020-07", "idor-2020-17"]) == "idor-2020-07")
    }
}
