import AdmitDomain
import AdmitJSON
import AdmitPostgres
import AdmitStore

extension Admission {
    /// Makes the decision log's day partitions (UTC days) from today through `ahead` days on, and
    /// with `dropBefore` drops the partitions of the days before it (retention), each writer's
    /// last dropped row kept as the point its chain is verified from. PostgreSQL only.
    public func partitions(ahead: Int = 7, dropBefore: LocalDate? = nil) throws(AdmitError) -> PartitionReport {
        guard let postgres = storage as? PostgresStorage else {
            throw .invalidInput(.postgresOnly(feature: "audit partitions", path: storage.location))
        }
        guard (0...366).contains(ahead) else { throw .invalidInput(.partitionsAhead(days: ahead)) }
        let now = clock.now()
        let today = LocalDate(daysSinceEpoch: now.millisecondsSinceEpoch.floorDivided(by: 86_400_000))
        if let dropBefore, today < dropBefore { throw .invalidInput(.dropsCurrentDecisions(day: dropBefore, today: today)) }
        let days = (0...Int64(ahead)).map { LocalDate(daysSinceEpoch: today.daysSinceEpoch + $0) }
        return try perform { () throws(StoreError) in try postgres.managePartitions(create: days, dropBefore: dropBefore, at: now) }
    }
}

extension Admission {
    /// On PostgreSQL, the day partitions from today through a week on (`admit serve` makes them
    /// when it starts); nil on SQLite, whose log is not partitioned.
    public func makeDayPartitions() throws(AdmitError) -> PartitionReport? {
        guard storage is PostgresStorage else { return nil }
        return try partitions(ahead: 7)
    }
}

extension Int64 {
    /// The quotient rounded down (toward minus infinity, where `/` rounds toward zero).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

extension PartitionReport {
    /// The fields of `admit audit partitions --json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["partitions"] = .array(partitions.map { .string($0.description) })
        object["created"] = .array(created.map { .string($0.description) })
        object["inDefault"] = .array(inDefault.map { .string($0.description) })
        object["dropped"] = .array(dropped.map { .string($0.description) })
        object["archived"] = .array(
            archived.map { point in
                var entry = JSONObject()
                entry["writer"] = .string(point.writer)
                entry["seq"] = .number(JSONNumber(point.seq))
                return .object(entry)
            })
        object["keptInDefault"] = .number(JSONNumber(keptInDefault))
        return .object(object)
    }

    /// What `admit audit partitions` prints.
    public var text: String {
        let report = self
        func days(_ list: [LocalDate]) -> String {
            guard let first = list.first, let last = list.last else { return "none" }
            return list.count == 1 ? "\(first)" : "\(first) … \(last) (\(list.count))"
        }
        var lines = ["decision log partitions (one per UTC day): \(days(report.partitions))"]
        lines.append("  made: \(days(report.created))")
        if !report.inDefault.isEmpty {
            lines.append(
                "  not made, their decisions are in the default partition already: \(report.inDefault.map(\.description).joined(separator: ", "))"
            )
        }
        if !report.dropped.isEmpty {
            lines.append("  dropped: \(days(report.dropped))")
            lines.append(
                "  chains verified from: " + report.archived.map { "writer '\($0.writer)' after #\($0.seq)" }.joined(separator: ", "))
        }
        if report.keptInDefault > 0 {
            lines.append("  \(report.keptInDefault) decisions from before the drop day stay in the default partition")
        }
        return lines.joined(separator: "\n")
    }
}
