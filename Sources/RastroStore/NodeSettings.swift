public import RastroModel

/// What a node knows about itself, written by `rastro init`.
public struct NodeSettings: Sendable, Hashable {
    /// The organization that runs the node; the default originator of what it loads.
    public var organization: String
    /// The node's country (ISO 3166-1 alpha-2).
    public var country: String
    /// The marking of loaded records that carry none (the contract's default: AMBER).
    public var defaultTLP: TLP

    public init(organization: String, country: String, defaultTLP: TLP = .amber) {
        self.organization = organization
        self.country = country.uppercased()
        self.defaultTLP = defaultTLP
    }

    /// The node organization's own viewer.
    public var viewer: Viewer { Viewer(organization: organization, country: country, roles: [.analyst]) }

    /// The viewer of the node's own processing jobs (resolution, analysis): the node's rights, and
    /// personal fields read unredacted so that they can be compared. Never for display.
    public var processingViewer: Viewer {
        var viewer = viewer
        viewer.purpose = .processing
        return viewer
    }
}
