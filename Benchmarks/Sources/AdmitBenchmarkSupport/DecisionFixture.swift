import Admit
import AdmitDomain
import AdmitRules
import Foundation

/// Everything a decision benchmark needs, built once before measuring: the IDoR catalog from
/// `Seeds/`, the shipped policy compiled against it, a population and a stream of requests.
public final class DecisionFixture: @unchecked Sendable {
    public let catalog: Catalog
    public let policy: PolicySet
    public let population: Population
    /// The catalog's lectures in a dense array (`Query.lectureIndex`).
    public let lectures: [Lecture]
    public let queries: [Query]
    /// Where the next iteration starts in `queries`; it cycles, so each iteration sees other requests.
    var cursor = 0

    public init(users: Int, queries count: Int = 1 << 20) {
        let catalog: Catalog
        do {
            catalog = try Seeds.read(from: Repository.root + "/Seeds").catalog
            let text = try String(contentsOfFile: Repository.root + "/Policies/idor-2020.policy", encoding: .utf8)
            policy = try PolicySet.compile([PolicySource(path: "Policies/idor-2020.policy", text: text)], catalog: catalog)
        } catch {
            fatalError("cannot load the IDoR catalog and policy from \(Repository.root): \(error)")
        }
        self.catalog = catalog
        lectures = catalog.lectureIDs.compactMap { catalog.lecture($0) }
        precondition(lectures.count == 39, "the IDoR catalog has 39 lectures")
        population = Population(count: users)
        queries = Query.make(count: count, users: users, lectures: lectures)
        checkAgreement()
    }

    /// `queries.count - 1`: `queries[i & mask]` wraps around.
    public var mask: Int { queries.count - 1 }

    /// The positions of the next `count` requests; index `queries` with `i & mask`.
    public func next(_ count: Int) -> Range<Int> {
        let start = cursor
        cursor = (cursor + count) & mask
        return start..<(start + count)
    }

    /// `decide` and `explain` must give the same effect, and `decide`'s rule must be among
    /// `explain`'s deciding rules; checked on a slice of the requests before anything is measured.
    func checkAgreement(samples: Int = 20_000) {
        var allowed = 0
        for query in queries.prefix(samples) {
            guard let facts = population.byID[query.user], let lecture = catalog.lecture(query.lecture) else {
                fatalError("a query names an unknown user or lecture")
            }
            let request = AccessRequest.open(lecture, at: query.at)
            let verdict = policy.decide(request, facts: facts)
            let decision = policy.explain(request, facts: facts)
            precondition(verdict.effect == decision.effect, "decide and explain disagree on \(request) for facts \(facts)")
            if let index = verdict.ruleIndex {
                precondition(decision.determiningRules.contains(policy.rules[index].id), "decide's rule is not among explain's")
            }
            if verdict.effect == .allow { allowed += 1 }
        }
        // Neither (nearly) all-allow nor all-deny: the mix exercises every rule.
        precondition(allowed > samples / 10 && allowed < samples * 9 / 10, "the request mix is lopsided: \(allowed) of \(samples) allowed")
    }
}
