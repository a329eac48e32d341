# The bench workload in Rego (OPA v1 syntax). Input:
#   {"member": {posts, comments, saves, days_active, reputation, introduced, banned},
#    "action": "post", "length": 120}
package charter

# The ladder: an else chain tries the rungs from the top.
role := "leader" if {
	input.member.posts >= 50
	input.member.reputation >= 100
} else := "creator" if {
	input.member.posts >= 5
	input.member.reputation >= 10
} else := "commenter" if {
	input.member.comments >= 20
} else := "collector" if {
	input.member.saves >= 10
} else := "participant" if {
	input.member.posts + input.member.comments >= 1
} else := "onlooker"

ranks := {"onlooker": 0, "participant": 1, "collector": 2, "commenter": 3, "creator": 4, "leader": 5}

rank := ranks[role]

# Denials: each is [n, reason], n the rule's place in declaration order, so
# that the first denying rule's reason is the smallest element. Every rule
# tests input.action first: OPA's rule index then evaluates only the rules
# of the action asked.

deny contains [1, "banned"] if {
	input.action == "post"
	input.member.banned
}

deny contains [2, "introduce yourself first"] if {
	input.action == "post"
	not input.member.introduced
}

deny contains [3, "onlookers post short"] if {
	input.action == "post"
	rank == 0
	input.length > 500
}

allow if {
	input.action == "post"
	rank >= 1
}

deny contains [4, "banned"] if {
	input.action == "comment"
	input.member.banned
}

deny contains [5, "comments are capped at 2000 characters"] if {
	input.action == "comment"
	input.length > 2000
}

allow if input.action == "comment"

deny contains [6, "banned"] if {
	input.action == "react"
	input.member.banned
}

allow if input.action == "react"

deny contains [7, "save limit reached"] if {
	input.action == "save"
	input.member.saves >= 5000
}

allow if input.action == "save"

deny contains [8, "banned"] if {
	input.action == "invite"
	input.member.banned
}

deny contains [9, "members invite after a week"] if {
	input.action == "invite"
	input.member.days_active < 7
}

allow if {
	input.action == "invite"
	rank >= 4
}

deny contains [10, "banned"] if {
	input.action == "pin"
	input.member.banned
}

allow if {
	input.action == "pin"
	rank == 5
}

deny contains [11, "banned"] if {
	input.action == "delete"
	input.member.banned
}

deny contains [12, "deleting needs reputation 50"] if {
	input.action == "delete"
	input.member.reputation < 50
}

allow if {
	input.action == "delete"
	rank >= 1
}

deny contains [13, "banned"] if {
	input.action == "edit"
	input.member.banned
}

deny contains [14, "edits are capped at 5000 characters"] if {
	input.action == "edit"
	input.length > 5000
}

allow if {
	input.action == "edit"
	rank >= 1
}

deny contains [15, "reports are for participants"] if {
	input.action == "report"
	rank < 1
}

deny contains [16, "members report after three days"] if {
	input.action == "report"
	input.member.days_active < 3
}

allow if input.action == "report"

deny contains [17, "banned"] if {
	input.action == "message"
	input.member.banned
}

deny contains [18, "introduce yourself first"] if {
	input.action == "message"
	not input.member.introduced
}

deny contains [19, "messages are capped at 1000 characters"] if {
	input.action == "message"
	input.length > 1000
}

allow if {
	input.action == "message"
	rank >= 1
}

allow if {
	input.action == "message"
	input.member.reputation >= 5
}

deny contains [20, "banned"] if {
	input.action == "host"
	input.member.banned
}

deny contains [21, "hosts need 30 active days"] if {
	input.action == "host"
	input.member.days_active < 30
}

allow if {
	input.action == "host"
	rank >= 4
}

allow if {
	input.action == "host"
	rank == 3
	input.member.reputation >= 25
}

# The decision: any denial denies with the first one's reason; otherwise a
# matching allow allows; otherwise the default denies.
decision := {"allowed": false, "reason": first[1]} if {
	count(deny) > 0
	first := min(deny)
} else := {"allowed": true, "reason": ""} if {
	allow
} else := {"allowed": false, "reason": "default deny"}
