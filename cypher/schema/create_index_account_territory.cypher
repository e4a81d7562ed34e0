CREATE INDEX account_territory IF NOT EXISTS FOR (n:Account) ON (n.territory)
