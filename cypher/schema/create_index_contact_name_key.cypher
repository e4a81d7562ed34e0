CREATE INDEX contact_name_key IF NOT EXISTS FOR (n:Contact) ON (n.name_key, n.id)
