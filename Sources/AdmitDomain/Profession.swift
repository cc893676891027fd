/// What a user of the platform does.
public enum Profession: String, Sendable, Hashable, Codable, CaseIterable {
    case radiologist
    case radiographer
    /// Other health professionals.
    case other
}
