import AdmitDomain

/// A synthetic ESR Connect population: users with their enrolments, as a caller would hold them.
///
/// The mix is fixed by construction (and the seed): professions 50 % radiologists, 30 %
/// radiographers, 20 % other; accounts 90 % active, 7 % suspended, 3 % closed; 15 % with the
/// `premium` subscription; 8 % without a country; 60 % enrolled in `idor-2020` at an instant
/// between 2020-11-01 and 2020-11-25 Vienna time (one in ten of those withdrawn 1 hour to 10 days
/// later), 40 % never enrolled.
public struct Population: Sendable {
    /// Users by id, as a service would keep them (or a cache in front of the store).
    public let byID: [UserID: Facts]
    /// The same users in a dense array: `dense[i]` is the user with id `i + 1` (ids interned at load).
    public let dense: [Facts]

    public static let package = PackageID("idor-2020")
    static let premium = Subscription("premium")!
    static let countries = ["AT", "DE", "IT", "FR", "ES", "GB", "NL", "PL", "SE", "US", "BR", "IN", "JP"].compactMap(CountryCode.init)

    public init(count: Int, seed: UInt64 = 2020_11_08) {
        var random = SplitMix64(seed: seed)
        let registered = Instant.at("2020-10-01T00:00:00Z")
        let enrolFrom = Instant.at("2020-11-01T00:00:00+01:00").millisecondsSinceEpoch
        let enrolUntil = Instant.at("2020-11-25T00:00:00+01:00").millisecondsSinceEpoch
        var byID: [UserID: Facts] = [:]
        byID.reserveCapacity(count)
        var dense: [Facts] = []
        dense.reserveCapacity(count)
        for index in 0..<count {
            let id = UserID(Int64(index + 1))
            let p = Int.random(in: 0..<100, using: &random)
            let profession: Profession = p < 50 ? .radiologist : p < 80 ? .radiographer : .other
            let a = Int.random(in: 0..<100, using: &random)
            let account: AccountState = a < 90 ? .active : a < 97 ? .suspended : .closed
            let subscription = Int.random(in: 0..<100, using: &random) < 15 ? Population.premium : .none
            let country = Int.random(in: 0..<100, using: &random) < 8 ? nil : Population.countries.randomElement(using: &random)
            guard let email = try? EmailAddress("user\(index + 1)@example.org") else { preconditionFailure("a generated email is valid") }
            let user = User(
                id: id, email: email, name: "User \(index + 1)", profession: profession, country: country, account: account,
                subscription: subscription, registeredAt: registered)
            var enrolments: [Enrolment] = []
            if Int.random(in: 0..<100, using: &random) < 60 {
                let at = Instant(millisecondsSinceEpoch: Int64.random(in: enrolFrom..<enrolUntil, using: &random))
                let withdrawn =
                    Int.random(in: 0..<10, using: &random) == 0
                    ? at.adding(milliseconds: Int64.random(in: 3_600_000..<(10 * 86_400_000), using: &random)) : nil
                enrolments.append(Enrolment(user: id, package: Population.package, enrolledAt: at, source: .self, withdrawnAt: withdrawn))
            }
            let facts = Facts(user: user, enrolments: enrolments)
            byID[id] = facts
            dense.append(facts)
        }
        self.byID = byID
        self.dense = dense
    }
}
