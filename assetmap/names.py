"""How the model's codes read to people: one English name per code, marked for the
catalogue (``N_``) and translated where shown (the web's filters, exports in Welsh)."""

from __future__ import annotations

from assetmap.i18n import N_

ACCESS_NAMES = {
    "step_free": N_("Step-free access"),
    "hearing_loop": N_("Hearing loop"),
    "accessible_toilet": N_("Accessible toilet"),
    "parking": N_("Parking"),
}
CATEGORY_NAMES = {
    "social": N_("Social"), "exercise": N_("Exercise"), "arts": N_("Arts"),
    "music": N_("Music"), "faith": N_("Faith"), "learning": N_("Learning"),
    "outdoors": N_("Outdoors"), "food": N_("Food"), "support": N_("Support"),
    "carers": N_("Carers"), "health": N_("Health"), "digital": N_("Digital"),
    "gardening": N_("Gardening"), "crafts": N_("Crafts"), "heritage": N_("Heritage"),
    "other": N_("Other"),
}
PLACE_KIND_NAMES = {
    "hall": N_("Hall"), "library": N_("Library"), "chapel": N_("Chapel"),
    "church": N_("Church"), "cafe": N_("Café"), "park": N_("Park"),
    "surgery": N_("Surgery"), "leisure_centre": N_("Leisure centre"), "pub": N_("Pub"),
    "school": N_("School"), "community_centre": N_("Community centre"), "other": N_("Other"),
}
WEEKDAY_NAMES = {
    "mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"),
    "thu": N_("Thursday"), "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday"),
}
PART_NAMES = {"am": N_("morning"), "pm": N_("afternoon"), "eve": N_("evening")}
FREQUENCY_NAMES = {"weekly": N_("weekly"), "fortnightly": N_("fortnightly"),
                   "monthly": N_("monthly")}
ROLE_NAMES = {"admin": N_("admin"), "coordinator": N_("coordinator"),
              "connector": N_("connector"), "provider": N_("provider")}
CIRCLE_NAMES = {1: N_("Intimacy"), 2: N_("Friendship"), 3: N_("Participation"),
                4: N_("Exchange")}
RELATION_NAMES = {
    "family": N_("Family"), "partner": N_("Partner"), "friend": N_("Friend"),
    "neighbour": N_("Neighbour"), "volunteer": N_("Volunteer"),
    "professional": N_("Professional (paid)"), "other": N_("Other"),
}
CONTACT_NAMES = {"daily": N_("Daily"), "weekly": N_("Weekly"), "monthly": N_("Monthly"),
                 "yearly": N_("Yearly"), "rarely": N_("Rarely")}
#: a consent's purpose as a record lists it, and as the consent form offers it
PURPOSE_NAMES = {
    "share_with_organisation": N_("Sharing the record"),
    "open_to_connect": N_("Being suggested to others"),
    "record_keeping": N_("Keeping the record"),
    "move_record": N_("Moving the record with them"),
}
PURPOSE_CHOICES = {
    "share_with_organisation": N_("Sharing this record with an organisation"),
    "open_to_connect": N_("Being suggested to others (open to connect)"),
    "record_keeping": N_("Keeping this record"),
    "move_record": N_("Moving this record with them to another organisation "
                      "(portable record)"),
}
STATUS_NAMES = {"suggested": N_("suggested"), "contacted": N_("contacted"),
                "attended": N_("attended"), "declined": N_("declined")}
RISK_NAMES = {"none": N_("none"), "raised": N_("raised"), "high": N_("high"),
              "not_known": N_("not known")}
SUGGESTION_KINDS = {"volunteer": N_("Volunteer"), "person": N_("Person"),
                    "activity": N_("Activity"), "group": N_("Group")}
#: how an activity without a venue reaches people (a venue's own is "in person")
DELIVERY_NAMES = {"in_person": N_("in person"), "phone": N_("by phone"),
                  "online": N_("online"), "home": N_("comes to you")}
#: what an audit entry says was done, as a reader reads it
ACTION_NAMES = {
    "view": N_("viewed"), "create": N_("created"), "update": N_("changed"),
    "delete": N_("deleted"), "export": N_("exported"), "share": N_("shared"),
    "unshare": N_("sharing ended"), "consent": N_("consent recorded"),
    "withdraw_consent": N_("consent withdrawn"), "erase": N_("erased"),
    "login": N_("signed in"), "login_failed": N_("sign-in failed"),
    "logout": N_("signed out"), "lockout": N_("locked out"),
    "package": N_("packaged to move"), "receive": N_("received in a package"),
    "restore": N_("restored from a backup"), "refused": N_("refused"),
    "claim": N_("claimed by its provider"), "review": N_("reviewed"),
    "confirm": N_("confirmed as still right"), "report": N_("change reported"),
}
#: an audit entry's fixed details, as a reader reads them (others are data: ids, files);
#: a detail that means one thing after one action is keyed "action detail"
AUDIT_DETAILS = {
    "password": N_("password changed"), "login password": N_("with a password"),
    "login password and code": N_("with a password and a code"),
    "two-step on": N_("two-step sign-in turned on"),
    "two-step off": N_("two-step sign-in turned off"), "everywhere": N_("on every device"),
    "invited": N_("invited"), "invitation renewed": N_("invitation renewed"),
    "wrong code": N_("wrong code"),
    "password chosen through the invitation": N_("password chosen through the invitation"),
    "LSNS-6 questionnaire recorded": N_("LSNS-6 questionnaire recorded"),
}
#: the part of a person's record a request's route reached, named by its first word
AUDIT_ROUTE_PARTS = {
    "": N_("the record"), "edit": N_("the record"), "carers": N_("carers"),
    "consents": N_("consent"), "erase": N_("erasure"), "export": N_("export"),
    "invite": N_("the circle"), "ties": N_("the circle"), "circle": N_("the circle"),
    "lsns6": N_("LSNS-6"), "referrals": N_("referrals"), "suggestions": N_("suggestions"),
    "what-matters": N_("what matters"), "analysis": N_("the analysis"),
}
#: what kind of record an audit entry is about
RECORD_TYPE_NAMES = {"Person": N_("person"), "User": N_("user")}
#: who gave a consent
GIVEN_BY_NAMES = {"person": N_("the person themselves"),
                  "representative": N_("a lawful representative")}
#: where a stored LSNS-6 score came from
LSNS6_SOURCE_NAMES = {"questionnaire": N_("a questionnaire they answered"),
                      "proxy": N_("estimated from the ties recorded")}
LANGUAGE_NAMES = {"cy": N_("Welsh (Cymraeg)"), "en": N_("English")}
#: form fields as an error summary names them
FIELD_LABELS = {
    "name": N_("Name"), "name_cy": N_("Name in Welsh"), "birth_year": N_("Year of birth"),
    "postcode": N_("Postcode"), "languages": N_("Languages"), "interests": N_("Interests"),
    "gifts": N_("Gifts"), "needs": N_("Needs"), "access_needs": N_("Access needs"),
    "availability": N_("When free"), "radius_km": N_("Travel distance"),
    "capacity": N_("People they can support"), "skills": N_("Skills"),
    "relation": N_("Relationship"), "circle": N_("Circle"), "contact": N_("How often in touch"),
    "strength": N_("How close"), "since": N_("Since"), "last_contact": N_("Last in touch"),
    "other_id": N_("Who"), "hours_per_week": N_("Hours of care a week"),
    "purpose": N_("For"), "organisation_id": N_("Organisation"), "given_by": N_("Given by"),
    "representative_name": N_("Name of the representative"), "given_at": N_("Given on"),
    "until": N_("Until"), "date": N_("Date"), "can_do_myself": N_("What I can do for myself"),
    "need_a_little_help": N_("What I need a little help with"),
    "others_might_provide": N_("What others might provide"),
    "confirm_name": N_("Name to confirm"), "current_password": N_("Current password"),
    "new_password": N_("New password"), "repeat_password": N_("New password again"),
    "password": N_("Password"), "email": N_("E-mail"), "role": N_("Role"),
    "description": N_("Description"), "description_cy": N_("Description in Welsh"),
    "categories": N_("Kinds of activity"), "welsh_language": N_("In Welsh"),
    "kind": N_("Kind"), "address": N_("Address"), "town": N_("Town or village"),
    "lat": N_("Latitude"), "lon": N_("Longitude"), "opening_hours": N_("Opening hours"),
    "weekday": N_("Day"), "start": N_("Starts"), "end": N_("Ends"),
    "frequency": N_("How often"), "cost_pence": N_("Cost"), "age_min": N_("Youngest age"),
    "age_max": N_("Oldest age"), "place_id": N_("Held at"), "group_id": N_("Run by"),
    "near": N_("Near"), "text": N_("What"), "category": N_("Kind of activity"),
    "day": N_("Day"), "time_of_day": N_("Time of day"), "age": N_("Age"),
    "area": N_("Area"), "website": N_("Website"), "follow_up": N_("Follow up"),
    "status": N_("Status"), "target_id": N_("Referred to"), "code": N_("Code"),
    "what": N_("What is wrong"), "reply_to": N_("Your e-mail address"),
    "answer": N_("Your answer"), "ended_on": N_("Ended on"),
    "cancelled_dates": N_("Not on these dates"), "paused_since": N_("Paused since"),
    "how": N_("How we check"), "checked_at": N_("Checked on"), "checked_by": N_("Checked by"),
    # what else a record holds, as the subject access report lists it
    "id": N_("Identifier"), "created_at": N_("Recorded on"), "updated_at": N_("Last changed"),
    "lives_alone": N_("Lives alone"), "open_to_connect": N_("Open to connect"),
    "profession": N_("Profession"), "volunteer": N_("Volunteer"), "carer": N_("Carer"),
    "placeholder": N_("Came unnamed in a moved record (placeholder)"),
    "arrived_with": N_("Arrived with package"), "person_id": N_("Person"),
    "recorded_by": N_("Recorded by"), "withdrawn_at": N_("Withdrawn on"),
    "by": N_("By"), "consent_id": N_("Consent"),
    "family_monthly": N_("Family seen or heard from monthly"),
    "family_private": N_("Family to talk to about private matters"),
    "family_help": N_("Family to call on for help"),
    "friends_monthly": N_("Friends seen or heard from monthly"),
    "friends_private": N_("Friends to talk to about private matters"),
    "friends_help": N_("Friends to call on for help"),
    "isolation_risk": N_("At risk of social isolation"), "lsns6": N_("LSNS-6 score"),
    "lsns6_family": N_("LSNS-6 family score"), "lsns6_friends": N_("LSNS-6 friends score"),
    "lsns6_items": N_("LSNS-6 answers"), "lsns6_source": N_("LSNS-6 from"),
    "risk_reasons": N_("Reasons"), "fragile_circle": N_("Fragile circle"),
    "key_person_id": N_("Key person"), "support_lost": N_("Support lost without them"),
    "carer_risk": N_("Carer breakdown risk"), "carer_hours": N_("Hours of care a week"),
    "carer_reasons": N_("Carer risk reasons"), "cut_off": N_("Cut off from the network"),
    "bridging": N_("Bridging between groups"), "community": N_("Community"),
    "nearest_activity_m": N_("Nearest suitable activity (metres)"),
    "analysed_at": N_("Analysed on"), "analysis_run": N_("Analysis run"),
    "ward": N_("Ward"),
    "figures": N_("Figures"), "previous_figures": N_("Figures before"),
}
#: relationship types and node labels as the subject access report names them
RELATIONSHIP_NAMES = {
    "ABOUT": N_("about"), "ATTENDS": N_("attends"), "CARES_FOR": N_("cares for"),
    "KEY_PERSON": N_("named as the key person of the circle, by the analysis,"),
    "HELD_AT": N_("held at"), "IN_AREA": N_("in the area"), "KNOWS": N_("knows"),
    "MEMBER_OF": N_("member of"), "PART_OF": N_("part of"), "RECORDED_BY": N_("recorded by"),
    "REFERRED_TO": N_("referred to"), "RUN_BY": N_("run by"),
    "SHARED_WITH": N_("shared with"), "VOLUNTEERS_WITH": N_("volunteers with"),
    "WORKS_FOR": N_("works for"),
}
LABEL_NAMES = {
    "Activity": N_("Activity"), "Area": N_("Area"), "Consent": N_("Consent"),
    "Group": N_("Group"), "Lsns6Response": N_("LSNS-6 questionnaire"),
    "Organisation": N_("Organisation"), "Person": N_("Person"), "Place": N_("Place"),
    "User": N_("User"), "WhatMatters": N_("“What matters” conversation"),
    "Volunteer": N_("Volunteer"), "Carer": N_("Carer"), "AnalysisRun": N_("Analysis run"),
    "ApiToken": N_("API token"),
}
ORGANISATION_KIND_NAMES = {
    "cvc": N_("County voluntary council"), "carers": N_("Carers' organisation"),
    "council": N_("Council"), "health": N_("Health"), "charity": N_("Charity"),
    "other": N_("Other"),
}


#: how far away someone not named is, in bands (never the exact distance)
DISTANCE_BAND_NAMES = {
    "under_2": N_("under 2 km away"), "2_to_5": N_("2 to 5 km away"),
    "5_to_10": N_("5 to 10 km away"), "10_plus": N_("10 km or more away"),
}
#: the LSNS-6's answers, by their score 0-5
LSNS6_ANSWER_NAMES = (N_("none"), N_("one"), N_("two"), N_("three or four"),
                      N_("five to eight"), N_("nine or more"))
#: why an area figure could not be assessed (analysis.hotspots.not_assessed)
NOT_ASSESSED_NAMES = {"small_areas": N_("not assessed: needs small areas"),
                      "population": N_("not assessed: population not known")}
AREA_LEVEL_NAMES = {"small_area": N_("Small areas"), "middle_area": N_("Middle areas"),
                    "ward": N_("Wards"), "local_authority": N_("Local authorities"),
                    "health_board": N_("Health boards")}
