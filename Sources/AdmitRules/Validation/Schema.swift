import AdmitDomain

/// The user attributes a condition may read, and the values each may take.
enum Schema {
    /// A user attribute known to the policy language.
    enum Attribute: String, CaseIterable {
        case account, profession, country, subscription
    }

    static let attributeNames = Attribute.allCases.map(\.rawValue)

    /// Checks `value` for `attribute`; returns the expected values in words when it is not allowed.
    static func problem(with value: String, for attribute: Attribute) -> String? {
        switch attribute {
        case .account:
            return AccountState(rawValue: value) == nil ? oneOf(AccountState.allCases.map(\.rawValue)) : nil
        case .profession:
            return Profession(rawValue: value) == nil ? oneOf(Profession.allCases.map(\.rawValue)) : nil
        case .country:
            return value.utf8.count == 2 && CountryCode(value)?.rawValue == value
                ? nil : "an assigned ISO 3166-1 alpha-2 code in capitals such as \"AT\""
        case .subscription:
            return Subscription(value) == nil
                ? "\"none\" or a plan name of lowercase letters, digits and '-' such as \"premium\"" : nil
        }
    }

    private static func oneOf(_ values: [String]) -> String {
        "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// Finds the closest known name to a misspelt one, for "did you mean" hints.
enum Suggestion {
    /// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = Swift.max(1, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
