package limits

import rego.v1

too_many if input.replicas > data.limits.max_replicas

too_few if input.replicas < 1
