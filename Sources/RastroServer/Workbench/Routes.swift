import Foundation
import Hummingbird

extension Workbench {
    /// The routes of the pages beyond the overview, alerts and records.
    func pageRoutes(_ router: Router<BasicRequestContext>) {
    }
}

/// Text compared the way people type it: case and accents folded out.
enum Search {
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
    }
}
