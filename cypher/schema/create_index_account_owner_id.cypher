CREATE INDEX account_owner_id IF NOT EXISTS FOR (n:Account) ON (n.owner_id)
