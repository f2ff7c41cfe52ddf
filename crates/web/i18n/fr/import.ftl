# Import de personnes et de foyers depuis un tableur (CSV ou XLSX).
import-action = Importer depuis un tableur
import-title = Importer des personnes et des foyers
import-intro = Envoyez le tableau (CSV ou XLSX) où la structure tenait ses dossiers. Rien n'est enregistré avant que vous ayez vu le rapport et confirmé.
import-intro-columns = La première ligne donne les titres des colonnes ; elles sont reconnues par leur nom (« Nom », « Prénom(s) », « Né(e) le », « Téléphone », « N° allocataire »…), et vous pouvez corriger la correspondance.
import-intro-households = Une colonne « Foyer » regroupe les personnes qui vivent ensemble : la première ligne d'un foyer est la personne de référence, les autres disent leur lien dans une colonne « Lien » (conjoint, enfant mineur…).
import-intro-dry-run = Le rapport donne chaque erreur avec sa ligne ; s'il en reste une seule, rien n'est importé.
import-intro-duplicates = Une ligne qui ressemble à une personne déjà enregistrée (ou à une ligne précédente) est signalée et laissée de côté : importer deux fois le même fichier ne crée personne en double.
import-file-label = Fichier à importer
import-file-hint = CSV (séparé par des points-virgules ou des virgules) ou classeur Excel .xlsx (première feuille), 10 Mo au plus.
import-check-action = Vérifier le fichier
import-cancelled = L'import est annulé et le fichier effacé.
import-file-missing = Choisissez un fichier à importer.
import-file-too-large = Ce fichier dépasse { $count } Mo : découpez-le en plusieurs fichiers.
import-file-not-sent = Le fichier n'a pas été reçu. Choisissez-le et envoyez-le à nouveau.
import-file-empty = Ce fichier est vide : il faut une ligne de titres et au moins une ligne de données.
import-file-old-excel = C'est un ancien classeur Excel (.xls) : enregistrez-le au format .xlsx ou .csv, puis envoyez-le.
import-file-unreadable = Ce fichier n'est ni un CSV ni un classeur .xlsx lisible.
import-file-too-many-rows = Ce fichier dépasse { $count } lignes : découpez-le en plusieurs fichiers.
import-file-too-many-columns = Ce fichier dépasse { $count } colonnes.
import-upload-gone = Ce fichier n'est plus disponible : un fichier est gardé une heure au plus. Envoyez-le à nouveau.
import-report-title = Rapport de vérification
import-done-title = Import terminé
import-file-name = Fichier « { $file } » :
import-lines-read = { $count ->
    [0] aucune ligne de données.
    [one] une ligne de données.
   *[other] { $count } lignes de données.
}
import-blocked = Rien n'est importé tant que des erreurs restent : corrigez le fichier ou les colonnes, puis vérifiez à nouveau.
import-error-lines = { $count ->
    [one] Une ligne en erreur
   *[other] { $count } lignes en erreur
}
import-errors-caption = Erreurs, ligne par ligne (les numéros de ligne sont ceux du tableur, la ligne des titres étant la ligne 1)
import-col-line = Ligne
import-col-field = Champ
import-col-column = Colonne du fichier
import-col-problem = Problème
import-col-reason = Raison
import-col-example = Exemple (première valeur)
import-col-target = Champ de Passerelle
import-skipped-heading = { $count ->
    [one] Une ligne laissée de côté (doublon possible)
   *[other] { $count } lignes laissées de côté (doublons possibles)
}
import-skipped-hint = Ces lignes ne sont pas importées. Si ce sont bien d'autres personnes, enregistrez-les une à une depuis la page Personnes. Un foyer est importé entier ou pas du tout.
import-skipped-caption = Lignes non importées et pourquoi
import-back-to-persons = Voir les personnes
import-columns-heading = Colonnes
import-columns-hint = Choisissez ce que contient chaque colonne, puis vérifiez à nouveau. Une colonne ignorée n'est pas importée.
import-columns-caption = Correspondance entre les colonnes du fichier et les champs de Passerelle
import-target-label = Champ pour la colonne « { $column } »
import-ignored-columns = Colonnes ignorées (non importées) : { $columns }.
import-recheck-action = Vérifier à nouveau
import-confirm-action = { $count ->
    [one] Importer une personne
   *[other] Importer { $count } personnes
}
import-cancel-action = Annuler et effacer le fichier
import-target-household = Foyer (clé de regroupement)
import-target-relationship = Lien avec la personne de référence
import-target-ignore = — ignorer cette colonne —
import-target-ignored = ignorée
import-column-untitled = colonne { $letter } (sans titre)
import-quoted = « { $text } »
import-error-yes-no = Attendu : oui ou non.
import-error-relationship-unknown = Ce lien n'est pas dans la liste de la structure.
import-error-relationship-missing = Indiquez le lien de cette personne avec la personne de référence du foyer.
import-error-second-reference = Le foyer a déjà une personne de référence, à la ligne { $line }.
import-skip-existing = Doublon possible de { $name }, déjà enregistré(e).
import-skip-existing-born = Doublon possible de { $name }, né(e) le { $birth_date }, déjà enregistré(e).
import-skip-earlier-line = Doublon possible de la ligne { $line } du fichier.
import-skip-household = Foyer laissé de côté : la ligne { $line } de ce foyer est un doublon possible.
import-mapping-same-target = Plusieurs colonnes alimentent « { $target } » : { $columns }. Gardez-en une.
import-mapping-no-name = Aucune colonne ne donne de nom : choisissez au moins « { $birth_name } », « { $used_name } » ou « { $first_names } ».
import-mapping-relationship-without-household = Une colonne donne le lien, mais aucune ne donne le foyer : choisissez la colonne du foyer.
import-mapping-problems-heading = Colonnes à corriger :
import-text-file = Fichier : { $file }
import-text-column = colonne « { $column } »
import-text-error = ligne { $line }, { $field } : { $message }
import-text-skipped = ligne { $line } : { $message }
import-count-persons = { $count ->
    [0] aucune personne
    [one] une personne
   *[other] { $count } personnes
}
import-count-households = { $count ->
    [0] aucun foyer
    [one] un foyer
   *[other] { $count } foyers
}
import-done = Importé : { $persons } et { $households }.
import-would = Prêt à importer : { $persons } et { $households }.
import-mapping-changed = Les colonnes ont changé depuis la dernière vérification : voici le nouveau rapport. Rien n'est importé avant que vous l'ayez vu.
import-nothing-imported = Rien n'a été importé : le fichier contient des erreurs.
import-nothing-to-import = Rien à importer : toutes les lignes sont laissées de côté.
audit-action-import = A importé des personnes
