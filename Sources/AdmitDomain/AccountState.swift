/// Whether a user's account may be used.
public enum AccountState: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case suspended
    case closed
}
