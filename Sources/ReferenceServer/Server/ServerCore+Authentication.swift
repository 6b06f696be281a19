#if canImport(Glibc)
import Glibc
#endif
import WireCodecs

/// Token authentication (Spec AUTH-1..8): the CONNECT check, `join` and `sender` against the token's
/// `sub`, and the session's end when its token expires.
extension ServerCore {
    /// Seconds since the Unix epoch (`exp`, `nbf` and `iat` are NumericDates): read here, passed to
    /// the pure verifier.
    func unixTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }

    /// The verdict on `token` now (`ServerHooks.verifyToken` may override it).
    func verifyToken(_ token: String?, place: AuthenticationPlace) -> Result<JSONWebTokenClaims, JSONWebTokenError> {
        guard let tokenVerifier else { return .failure(.malformed("authentication is off")) }
        let standard: Result<JSONWebTokenClaims, JSONWebTokenError> = token.map { tokenVerifier.verify($0, now: unixTime()) }
            ?? .failure(.malformed("no token"))
        return configuration.hooks.verifyToken?(token, place, standard) ?? standard
    }

    /// Whether a token for `subject` may act as `claimed` (`ServerHooks.authorizeUser` may override it).
    func isAuthorized(subject: String, as claimed: String, place: AuthenticationPlace) -> Bool {
        let standard = subject == claimed
        return configuration.hooks.authorizeUser?(subject, claimed, place, standard) ?? standard
    }

    /// A CONNECT to `/` waits for its token's verdict (Spec AUTH-2): approved, the session is bound to
    /// the token's `sub` until `exp` plus the leeway; refused, it gets CONNECT_ERROR and binds nothing.
    func connectRequested(auth: JSONValue?, sid: String, state: inout State, work: inout Work) {
        let token = auth?["token"]?.stringValue
        switch verifyToken(token, place: .connect) {
        case .failure(let error):
            let reason = token == nil ? "authentication required: pass {\"token\": \"<JWT>\"} in the CONNECT auth" : "\(error)"
            work.effects.append(.log(.info, "session \(sid): CONNECT refused: \(reason)"))
            guard let actions = state.sessions[sid]?.socketIO.refuseConnect(message: "authentication failed: \(reason)") else { return }
            applySocketIO(actions, sid: sid, state: &state, work: &work)
        case .success(let claims):
            guard let record = state.sessions[sid] else { return }
            record.authenticatedSubject = claims.subject
            let leeway = Double(configuration.authentication?.leewaySeconds ?? 0)
            let remaining = max(0, claims.expiresAt + leeway - unixTime())
            // Far-future tokens: a timer a year out is as good as none.
            let milliseconds = Int(min(remaining, 365 * 24 * 3600) * 1000)
            let deadline = work.now.advanced(byMilliseconds: milliseconds)
            record.authenticationDeadline = deadline
            work.effects.append(.scheduleTimer(.authentication, sid: sid, at: deadline))
            applySocketIO(record.socketIO.approveConnect(), sid: sid, state: &state, work: &work)
        }
    }

    /// Spec AUTH-5: the `join` of an authenticated session names its own `sub`, or gets `error` and
    /// binds nothing. True when the join may go on (arguments that are no name are JOIN-7's business).
    func admitsJoin(_ arguments: [JSONValue], sid: String, state: inout State, work: inout Work) -> Bool {
        guard let record = state.sessions[sid], let subject = record.authenticatedSubject,
              case .string(let name)? = arguments.first, !name.isEmpty,
              !isAuthorized(subject: subject, as: name, place: .join)
        else { return true }
        applyMessenger([.emitError(record.messengerID, message: "join refused: this session's token is for another user")], state: &state, work: &work)
        return false
    }

    /// Spec AUTH-6: the token expired: `error`, DISCONNECT for `/`, and the session closes. The client
    /// reconnects with a new token.
    func tokenExpired(sid: String, state: inout State, work: inout Work) {
        guard let record = state.sessions[sid], record.socketIO.isConnected else { return }
        work.effects.append(.log(.info, "session \(sid): token expired, disconnecting"))
        applyMessenger([.emitError(record.messengerID, message: "token expired: reconnect with a new token")], state: &state, work: &work)
        applySocketIO(record.socketIO.disconnect(closeEngineIO: true), sid: sid, state: &state, work: &work)
    }
}
