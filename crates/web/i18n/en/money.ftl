# Amounts typed in forms (domain::money::MoneyError codes).
money-empty = Type an amount.
money-invalid = Type an amount in euros, for example 1,234.56.
money-too-many-decimals = An amount has at most two decimals (cents).
money-too-large = This amount is too large.
