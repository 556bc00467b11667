import Foundation
import Hummingbird

extension Workbench {
    /// The routes of the pages beyond the overview, alerts and records.
    func pageRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/audit") { request, context in await self.handle(request, context, page: self.auditPage) }
        router.get("/map") { request, context in await self.handle(request, context, page: self.mapPage) }
        router.get("/map/data.json") { request, context in await self.handle(request, context, page: self.mapData) }
        router.get("/consignments/:id/route.geojson") { request, context in await self.handle(request, context, page: self.routeGeoJSON) }
        router.get("/consignments/:id") { request, context in await self.handle(request, context, page: self.consignmentPage) }
        router.get("/leads") { request, context in await self.handle(request, context, page: self.leadsPage) }
        router.post("/leads") { request, context in await self.handle(request, context, form: true, page: self.createLead) }
        router.get("/leads/:id") { request, context in await self.handle(request, context, page: self.leadPage) }
        router.post("/leads/:id/:action") { request, context in await self.handle(request, context, form: true, page: self.leadAction) }
        router.get("/entities/:id") { request, context in await self.handle(request, context, page: self.partyPage) }
        router.get("/entities/:id/graph.json") { request, context in await self.handle(request, context, page: self.partyGraph) }
        router.post("/entities/:id/decision") { request, context in await self.handle(request, context, form: true, page: self.partyDecision) }
        router.get("/search") { request, context in await self.handle(request, context, page: self.searchPage) }
        router.get("/search.csv") { request, context in await self.handle(request, context, page: self.searchCSV) }
    }
}
