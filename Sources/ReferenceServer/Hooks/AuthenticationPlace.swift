/// Where the server checks a token or a claimed user name (Spec AUTH-2, AUTH-5, AUTH-7, AUTH-8),
/// for the authentication hooks.
public enum AuthenticationPlace: Sendable, Equatable {
    /// The Socket.IO CONNECT to `/` (token in the auth payload).
    case connect
    /// `POST /messages` (bearer token; the claimed name is the body's `sender`).
    case post
    /// A `join` (the claimed name is its argument).
    case join
}
