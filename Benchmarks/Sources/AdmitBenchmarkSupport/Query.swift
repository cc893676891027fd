import AdmitDomain

/// One request as a caller receives it: a user id, a lecture id and an instant.
public struct Query: Sendable {
    public var user: UserID
    public var lecture: LectureID
    /// The same user and lecture interned to dense indices (`Population.dense`, `DecisionFixture.lectures`).
    public var userIndex: Int32
    public var lectureIndex: Int32
    public var at: Instant
}

extension Query {
    /// `count` requests (a power of two) for random users and lectures. Instants: 20 % before the
    /// free window (2020-11-01 … 11-07), 50 % inside it (11-08 … 11-20), 30 % after it
    /// (11-21 … 12-31), Vienna time, uniform within each stretch.
    public static func make(count: Int, users: Int, lectures: [Lecture], seed: UInt64 = 39) -> [Query] {
        precondition(count > 0 && count & (count - 1) == 0, "the query count is a power of two, so a mask can cycle through it")
        var random = SplitMix64(seed: seed)
        let stretches = [
            (Instant.at("2020-11-01T00:00:00+01:00"), Instant.at("2020-11-08T00:00:00+01:00"), 20),
            (Instant.at("2020-11-08T00:00:00+01:00"), Instant.at("2020-11-21T00:00:00+01:00"), 50),
            (Instant.at("2020-11-21T00:00:00+01:00"), Instant.at("2021-01-01T00:00:00+01:00"), 30),
        ]
        var queries: [Query] = []
        queries.reserveCapacity(count)
        for _ in 0..<count {
            let userIndex = Int.random(in: 0..<users, using: &random)
            let lectureIndex = Int.random(in: 0..<lectures.count, using: &random)
            var roll = Int.random(in: 0..<100, using: &random)
            var stretch = stretches[0]
            for candidate in stretches {
                stretch = candidate
                if roll < candidate.2 { break }
                roll -= candidate.2
            }
            let at = Int64.random(in: stretch.0.millisecondsSinceEpoch..<stretch.1.millisecondsSinceEpoch, using: &random)
            queries.append(
                Query(
                    user: UserID(Int64(userIndex + 1)), lecture: lectures[lectureIndex].id, userIndex: Int32(userIndex),
                    lectureIndex: Int32(lectureIndex), at: Instant(millisecondsSinceEpoch: at)))
        }
        return queries
    }
}
