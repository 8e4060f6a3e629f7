"""AWS I/O over the core: clients, calls, retries, the shared poll loop, the waiter, lookups by
name, and the assignment and set operations. Imports boto3 and botocore, never Pulumi."""
