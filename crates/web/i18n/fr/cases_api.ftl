# L'API du dossier d'accompagnement (/api/v1/cases…) : messages des refus, dans la langue de l'appelant.
cases-api-error-datetime = Ce n'est pas une date et une heure : écrivez-la au format RFC 3339, par exemple 2026-01-15T10:30:00+01:00.
cases-api-error-team = Aucune équipe de votre organisation n'a cet identifiant.
cases-api-error-worker = Aucun travailleur social de votre organisation n'a cet identifiant.
cases-api-error-closed = Cet accompagnement est clos : rouvrez-le avant d'y écrire.
cases-api-error-limit = Un nombre d'entrées de 1 à 100.
cases-api-error-cursor = Ce n'est pas un curseur de cette API : passez tel quel le « next » de la page précédente.
