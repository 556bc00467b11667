import Foundation
import Hummingbird
import RastroShare
import RastroStore

extension Workbench {
    /// The sign-in form. A pre-session cookie carries the form's CSRF token (double submit).
    func loginPage(_ call: Call) async throws -> Response {
        if call.session != nil { return Self.redirect(Self.safeReturn(call.query.first("next"))) }
        let token = Sessions.randomToken()
        var values: [String: Any] = ["loginToken": token, "next": Self.safeReturn(call.query.first("next"))]
        if call.query.first("expired") != nil { values["notice"] = catalog.text("login.expired", call.language) }
        var response = try render(call, "login", title: "login.title", values)
        response.setCookie(cookie("rastro_login", token, maxAge: 3600))
        return response
    }

    /// Signs in: a user's password, checked against its bcrypt hash. Five failures in fifteen
    /// minutes lock the user for fifteen minutes; every success, failure and lock is audited.
    func login(_ call: Call) async throws -> Response {
        let user = (call.form.first("user") ?? "").trimmingCharacters(in: .whitespaces)
        let password = call.form.first("password") ?? ""
        let next = Self.safeReturn(call.form.first("next"))
        func refuse(_ key: String, status: HTTPResponse.Status = .unauthorized) throws -> Response {
            let token = Sessions.randomToken()
            var response = try render(call, "login", title: "login.title",
                                      ["loginToken": token, "next": next, "error": catalog.text(key, call.language), "userValue": user])
            response.status = status
            response.setCookie(cookie("rastro_login", token, maxAge: 3600))
            return response
        }
        guard !user.isEmpty, user.count <= 200 else { return try refuse("login.failed") }
        if sessions.isLocked(user) {
            try await audit.append(AuditEvent(actor: user, organization: "", action: "login-refused", detail: "workbench: locked out"))
            return try refuse("login.locked", status: .tooManyRequests)
        }
        let viewer: Viewer
        do {
            viewer = try await Authenticator(store: read).signIn(user: user, password: password)
        } catch {
            let locked = sessions.fail(user)
            try await audit.append(AuditEvent(actor: user, organization: "", action: "login-failed",
                                              detail: "workbench" + (locked ? ": now locked out" : "")))
            return try refuse(locked ? "login.locked" : "login.failed", status: locked ? .tooManyRequests : .unauthorized)
        }
        sessions.succeeded(user)
        let (id, _) = sessions.start(viewer)
        try await audit.append(AuditEvent(viewer, "login", detail: "workbench"))
        var response = Self.redirect(next)
        response.setCookie(cookie("rastro_session", id))
        response.setCookie(expiredCookie("rastro_login"))
        return response
    }

    func logout(_ call: Call) async throws -> Response {
        sessions.end(call.sessionID)
        try await audit.append(AuditEvent(call.viewer, "logout", detail: "workbench"))
        var response = Self.redirect("/login")
        response.setCookie(expiredCookie("rastro_session"))
        return response
    }

    /// Switches the language (a cookie for a year) and goes back to the page.
    func switchLanguage(_ call: Call) async throws -> Response {
        guard let language = Catalog.Language(rawValue: call.parameter("lang")) else { throw WebError.notFound() }
        var response = Self.redirect(Self.safeReturn(call.query.first("back")))
        response.setCookie(cookie("rastro_lang", language.rawValue, maxAge: 365 * 86400))
        return response
    }
}
