MERGE (k:Counter {name: 'change_log'})
ON CREATE SET k.value = 0
WITH k, k.value AS last
SET k.value = last + $count
RETURN last
