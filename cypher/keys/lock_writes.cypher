MERGE (l:Counter {name: 'api_write_lock'})
ON CREATE SET l.value = 0
SET l.value = l.value + 1
RETURN l.value AS value
