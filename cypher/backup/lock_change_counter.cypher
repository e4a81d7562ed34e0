OPTIONAL MATCH (k:Counter {name: 'change_log'})
SET k.value = k.value
RETURN k.value AS last
