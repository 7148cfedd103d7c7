package limits

import rego.v1

test_too_many if too_many with input as {"replicas": 50}

test_within_limits if not too_many with input as {"replicas": 3}

test_fails_on_purpose if {
	print("replicas checked:", 2)
	too_many with input as {"replicas": 2}
}
