CREATE INDEX touchpoint_account_id IF NOT EXISTS FOR (n:Touchpoint) ON (n.account_id)
