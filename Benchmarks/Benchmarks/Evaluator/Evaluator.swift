import AdmitBenchmarkSupport
import AdmitDomain
import AdmitRules
import Benchmark

// The evaluator on the shipped IDoR 2020 policy: one decision is a user looked up by id, a lecture
// looked up by id in the catalog, and `PolicySet.decide` (or `explain`) on them. Each benchmark
// iteration makes 1,000 decisions (scaling factor `kilo`); the plugin's table divides the metrics
// marked `*` by 1,000, so it shows time and mallocs per decision and throughput in decisions/s.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 10_000_000)

    let perIteration = BenchmarkScalingFactor.kilo.rawValue

    /// The engine with users and lectures interned to dense indices: no dictionary lookup.
    func decideInterned(_ name: String, users: Int) {
        Benchmark(name) { benchmark, fixture in
            let policy = fixture.policy
            let lectures = fixture.lectures
            let population = fixture.population.dense
            let queries = fixture.queries
            let mask = fixture.mask
            benchmark.startMeasurement()
            for i in fixture.next(perIteration) {
                let query = queries[i & mask]
                let lecture = lectures[Int(query.lectureIndex)]
                blackHole(policy.decide(.open(lecture, at: query.at), facts: population[Int(query.userIndex)]).effect)
            }
        } setup: {
            DecisionFixture(users: users)
        }
    }

    // The engine alone, on a population small enough to stay in the CPU caches.
    decideInterned("decide, 1k users, ids interned to indices (cache-resident)", users: 1_000)

    for users in [100_000, 1_000_000] {
        let label = users == 100_000 ? "100k" : "1M"

        Benchmark("decide, \(label) users, lookups by id") { benchmark, fixture in
            let policy = fixture.policy
            let catalog = fixture.catalog
            let population = fixture.population.byID
            let queries = fixture.queries
            let mask = fixture.mask
            benchmark.startMeasurement()
            for i in fixture.next(perIteration) {
                let query = queries[i & mask]
                guard let facts = population[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
                blackHole(policy.decide(.open(lecture, at: query.at), facts: facts).effect)
            }
        } setup: {
            DecisionFixture(users: users)
        }

        // The rest only on 100k users: the population size matters only to the lookups.
        guard users == 100_000 else { continue }

        decideInterned("decide, \(label) users, ids interned to indices", users: users)

        Benchmark("lookups only, \(label) users, no decision") { benchmark, fixture in
            let catalog = fixture.catalog
            let population = fixture.population.byID
            let queries = fixture.queries
            let mask = fixture.mask
            benchmark.startMeasurement()
            for i in fixture.next(perIteration) {
                let query = queries[i & mask]
                guard let facts = population[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
                blackHole(facts.account)
                blackHole(lecture.position)
            }
        } setup: {
            DecisionFixture(users: users)
        }

        Benchmark("explain, \(label) users, lookups by id") { benchmark, fixture in
            let policy = fixture.policy
            let catalog = fixture.catalog
            let population = fixture.population.byID
            let queries = fixture.queries
            let mask = fixture.mask
            benchmark.startMeasurement()
            for i in fixture.next(perIteration) {
                let query = queries[i & mask]
                guard let facts = population[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
                blackHole(policy.explain(.open(lecture, at: query.at), facts: facts))
            }
        } setup: {
            DecisionFixture(users: users)
        }
    }
}
