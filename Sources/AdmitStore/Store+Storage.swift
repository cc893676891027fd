import AdmitDomain

/// SQLite's ``Storage``: each committing method is one `write` transaction.
extension Store: Storage {
    public var location: String { path }

    public var writerName: String? { nil }

    public func seed(_ catalog: Catalog, users: [SeedEntry], _ context: ChangeContext) throws(StoreError) {
        try write {
            guard try isUnseeded() else { return }
            try insert(catalog)
            for entry in users {
                guard let state = try createUser(entry.user, context) else {
                    throw StoreError.Cause.duplicate("seed user '\(entry.user.email)' is given twice")
                }
                for enrolment in entry.enrolments {
                    _ = try enrol(
                        Enrolment(
                            user: state.user.id, package: enrolment.package, enrolledAt: enrolment.at, source: enrolment.source,
                            accountState: entry.user.account), context)
                }
            }
        }
    }

    public func commitPolicyVersion(hash: String, files: [StoredPolicyFile], event: EventRecord) throws(StoreError) -> Bool {
        // Only a new version is written, so read-only work runs on a read-only database.
        guard try policyFiles(hash: hash) == nil else { return false }
        return try write {
            guard try recordPolicyVersion(hash: hash, files: files, at: event.recordedAt) else { return false }
            try append(event)
            return true
        }
    }

    public func forEachState(
        after position: inout FeedPosition,
        _ body: (_ user: UserID, _ version: Int64, _ email: EmailAddress, _ facts: Facts, _ externalID: String?) throws -> Void
    ) throws(StoreError) {
        let token = [try dataVersion(), changeCount]
        if position.token == token { return }
        let last = try forEachState(after: position.seqs[0] ?? 0) { _, user, version, email, facts, externalID in
            try body(user, version, email, facts, externalID)
        }
        position.seqs[0] = last
        position.token = token
    }

    public func decisionsOnlyWritten(_ position: inout FeedPosition) {
        if let token = position.token { position.token = [token[0], changeCount] }
    }

    public func commitEnrolment(_ enrolment: Enrolment, _ context: ChangeContext) throws(StoreError) -> EnrolmentInsert {
        try write { try enrol(enrolment, context) }
    }

    public func commitWithdrawal(user: UserID, from package: PackageID, at: Instant, _ context: ChangeContext) throws(StoreError)
        -> Enrolment?
    {
        try write { try withdraw(user: user, from: package, at: at, context)?.0 }
    }

    public func commitEvent(_ event: EventRecord) throws(StoreError) {
        _ = try write { try append(event) }
    }

    public func commitDecisions(_ decisions: [DecisionRecord]) throws(StoreError) -> [Int64] {
        try write { try append(decisions) }
    }

    public func commitImportStart(fileName: String, sha256: String, event: EventRecord) throws(StoreError) -> Int64 {
        try write {
            let id = try beginImport(fileName: fileName, sha256: sha256, actor: event.actor, at: event.recordedAt)
            var event = event
            event.batch = id
            try append(event)
            return id
        }
    }

    public func commitImportEnd(_ batch: Int64, status: ImportBatch.Status, sha256: String, counts: String, event: EventRecord)
        throws(StoreError)
    {
        try write {
            try finishImport(batch, status: status, sha256: sha256, counts: counts, at: event.recordedAt)
            var event = event
            event.batch = batch
            try append(event)
        }
    }

    public func importWriter(batch: Int64?, actor: String) throws(StoreError) -> any ImportWriter {
        try importSession(batch: batch, actor: actor)
    }

    public func decisionRow(writer: String?, seq: Int64) throws(StoreError) -> DecisionLookup {
        guard let entry = try auditEntry(seq) else { return .notFound }
        guard entry.kind == .decision else { return .notADecision(kind: entry.kind.rawValue) }
        return .decision(entry, writer: nil)
    }
}
