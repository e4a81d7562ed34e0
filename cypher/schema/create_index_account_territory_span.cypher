CREATE INDEX account_territory_span IF NOT EXISTS FOR (n:AccountTerritory) ON (n.territory)
