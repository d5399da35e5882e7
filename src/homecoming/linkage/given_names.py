"""Given names that are the same name in Ukrainian, Russian and English forms.

Each group has a canonical id (the Ukrainian national romanisation of the Ukrainian form) and its
forms in any script; :func:`homecoming.linkage.names.given_name_keys` adds ``grp:<id>`` to the keys
of any spelling of any form, so "Олександр", "Александр" and "Alexander" meet. Diminutives are left
out on purpose (Sasha is also Oleksandra); translations that are not the same name (Ivan/John) too.
"""

from __future__ import annotations

GIVEN_NAME_EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "oleksandr": ("Олександр", "Александр", "Alexander", "Alexandr"),
    "oleksandra": ("Олександра", "Александра", "Alexandra"),
    "serhii": ("Сергій", "Сергей", "Sergey", "Sergiy"),
    "dmytro": ("Дмитро", "Дмитрий", "Dmitry", "Dmitri"),
    "mykola": ("Микола", "Николай", "Nikolay", "Nicholas"),
    "mykhailo": ("Михайло", "Михаил", "Mikhail", "Michael"),
    "yurii": ("Юрій", "Юрий", "Yuri", "Yury"),
    "hryhorii": ("Григорій", "Григорий", "Grigory", "Gregory"),
    "andrii": ("Андрій", "Андрей", "Andrey", "Andrew"),
    "oleksii": ("Олексій", "Алексей", "Alexey", "Alexei"),
    "viktor": ("Віктор", "Виктор", "Victor"),
    "volodymyr": ("Володимир", "Владимир", "Vladimir"),
    "ivan": ("Іван", "Иван"),
    "petro": ("Петро", "Пётр", "Петр", "Peter", "Pyotr"),
    "pavlo": ("Павло", "Павел", "Paul"),
    "vasyl": ("Василь", "Василий", "Vasily", "Vasiliy"),
    "yevhen": ("Євген", "Евгений", "Yevgeny", "Evgeniy", "Eugene"),
    "anatolii": ("Анатолій", "Анатолий", "Anatoly"),
    "vitalii": ("Віталій", "Виталий", "Vitaly"),
    "ihor": ("Ігор", "Игорь", "Igor"),
    "oleh": ("Олег", "Oleg"),
    "kostiantyn": ("Костянтин", "Константин", "Konstantin", "Constantine"),
    "fedir": ("Федір", "Фёдор", "Федор", "Fyodor", "Fedor"),
    "leonid": ("Леонід", "Леонид"),
    "valerii": ("Валерій", "Валерий", "Valery"),
    "yosyp": ("Йосип", "Иосиф", "Iosif", "Joseph"),
    "hennadii": ("Геннадій", "Геннадий", "Gennady"),
    "borys": ("Борис", "Boris"),
    "illia": ("Ілля", "Илья", "Ilya"),
    "kyrylo": ("Кирило", "Кирилл", "Kirill", "Cyril"),
    "danylo": ("Данило", "Даниил", "Daniil", "Daniel"),
    "mykyta": ("Микита", "Никита", "Nikita"),
    "denys": ("Денис", "Denis"),
    "maksym": ("Максим", "Maxim"),
    "stepan": ("Степан", "Stepan", "Stefan"),
    "tymofii": ("Тимофій", "Тимофей", "Timofey"),
    "olha": ("Ольга", "Olga"),
    "nataliia": ("Наталія", "Наталья", "Наталия", "Natalia", "Natalya"),
    "olena": ("Олена", "Елена", "Алёна", "Elena", "Helen"),
    "tetiana": ("Тетяна", "Татьяна", "Tatiana", "Tatyana"),
    "iryna": ("Ірина", "Ирина", "Irina"),
    "svitlana": ("Світлана", "Светлана", "Svetlana"),
    "liudmyla": ("Людмила", "Lyudmila", "Ludmila"),
    "halyna": ("Галина", "Galina"),
    "mariia": ("Марія", "Мария", "Maria", "Mary"),
    "hanna": ("Ганна", "Анна", "Anna", "Hanna"),
    "kateryna": ("Катерина", "Екатерина", "Ekaterina", "Catherine"),
    "yuliia": ("Юлія", "Юлия", "Yulia", "Julia"),
    "valentyna": ("Валентина", "Valentina"),
    "nadiia": ("Надія", "Надежда", "Nadezhda"),
    "liubov": ("Любов", "Любовь", "Lyubov"),
    "vira": ("Віра", "Вера", "Vera"),
    "larysa": ("Лариса", "Larisa"),
    "yelyzaveta": ("Єлизавета", "Елизавета", "Elizaveta", "Elizabeth"),
}

__all__ = ["GIVEN_NAME_EQUIVALENTS"]
