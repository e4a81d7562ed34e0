CREATE INDEX account_name_key IF NOT EXISTS FOR (n:Account) ON (n.name_key, n.id)
