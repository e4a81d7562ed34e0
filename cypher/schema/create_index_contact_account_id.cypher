CREATE INDEX contact_account_id IF NOT EXISTS FOR (n:Contact) ON (n.account_id)
