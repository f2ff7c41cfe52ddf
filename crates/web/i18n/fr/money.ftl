# Montants saisis dans les formulaires (codes de domain::money::MoneyError).
money-empty = Saisissez un montant.
money-invalid = Saisissez un montant en euros, par exemple 1 234,56.
money-too-many-decimals = Un montant a au plus deux décimales (centimes).
money-too-large = Ce montant est trop élevé.
