// The strategies compiled into Reilu: the house default, then one per market with its own.
[
    ("house.toml", include_str!("../../../strategies/house.toml")),
    ("de.toml", include_str!("../../../strategies/de.toml")),
    ("dk.toml", include_str!("../../../strategies/dk.toml")),
    ("fi.toml", include_str!("../../../strategies/fi.toml")),
    ("gb.toml", include_str!("../../../strategies/gb.toml")),
    ("nl.toml", include_str!("../../../strategies/nl.toml")),
    ("no.toml", include_str!("../../../strategies/no.toml")),
    ("se.toml", include_str!("../../../strategies/se.toml")),
]
