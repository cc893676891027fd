import AdmitDomain

extension Admission {
    /// Reads a class map file (`class,package`: a class's sourcedId or title, an Admit package id),
    /// checking every package against the catalogue. See `Docs/oneroster.md`.
    public func classMap(file path: String) throws(AdmitError) -> ClassMap {
        try ClassMap.read(path: path, known: catalog.packages.map(\.id))
    }

    /// Registers the users and enrolments of a OneRoster 1.1 or 1.2 CSV package (a folder or a
    /// `.zip`), as one import batch, with the guarantees of `register(file:…)`: chunked commits,
    /// an idempotent re-run, `atomic`, `dryRun`, a rejects file.
    ///
    /// The manifest and every header are checked before anything is written: a problem throws
    /// `invalidInput` listing all of them, compiler-style, with each file's own name. Each user
    /// becomes an Admit user with the sourcedId as external id; each enrolment in a class that
    /// `classMap` names becomes an enrolment in its package, from `beginDate` (or `options.at`,
    /// or the start of the import) to the end of `endDate`, as whole days in the package's zone,
    /// decided by the policy's `enrol` rules at its start (`options.force` enrols anyway).
    /// `tobedeleted` closes an account, or withdraws an enrolment, keeping the history.
    public func register(
        oneRoster path: String, classMap: ClassMap, options: RegistrationOptions = .init(), rejectsFile: String? = nil,
        progress: ((RegistrationProgress) -> Void)? = nil
    ) throws(AdmitError) -> RegistrationSummary {
        if options.package != nil {
            throw .invalidInput(.rosterWithPackage(path: path))
        }
        let package = try RosterPackage(path: path)
        let roster = try OneRosterSource(package: package, classMap: classMap)
        let counters = roster.counters
        let rejects = try rejectsFile.map { path throws(AdmitError) in try RejectsFile(path: path, layout: .package) }
        let run = try RegistrationRun(
            admission: self, source: path, format: .oneroster, options: options, rejects: rejects, progress: progress, observe: nil)
        let reader = ReadAhead(roster, bytes: { counters.reduce(0) { $0 + $1.count } })
        var source = reader
        return try run.run(
            &source, sha256: package.sha256, digest: { package.sha256 }, bytes: { reader.bytesRead },
            totalBytes: package.bytes)
    }
}
