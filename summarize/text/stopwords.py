"""Small Indonesian and English stopword lists.

Used by :mod:`summarize.text.langid` (stopword-ratio language scores) and by
:mod:`summarize.extractive` (TextRank ignores function words). The two sets are disjoint,
so a token is evidence for one language only.
"""

from __future__ import annotations

ID_STOPWORDS: frozenset[str] = frozenset(
    """
    ada adalah agar akan akhirnya aku amat anda antara apa apabila apakah atas atau bagaimana
    bagi bahkan bahwa baik banyak barangkali beberapa begitu belum benar berapa berbagai
    bersama betapa bila bisa boleh bukan bukankah cukup dahulu dalam dan dapat dari daripada
    demi demikian dengan di dia dirinya engkau hal hampir hanya harus hingga ia ialah ini itu
    jadi jangan jika juga justru kalau kalian kami kamu kapan karena kata ke kecuali kembali
    kemudian kenapa kepada ketika kini kita lagi lain lalu lebih maka mampu mana masih masing
    melainkan memang mengapa menjadi menurut mereka meski meskipun misalnya mungkin namun nanti
    nya oleh pada padahal para pernah pula pun saat saja sama sambil sampai sangat saya seakan
    sebab sebagai sebagian sebelum sebelumnya sebuah secara sedang sedangkan sehingga sejak
    sekali sekarang selain selama seluruh semakin sementara semua sendiri seorang seperti
    sering serta sesudah setelah setiap sudah supaya tak tanpa tapi telah tentang tentu
    terhadap termasuk tersebut tertentu tetap tetapi tiap tidak untuk walau walaupun yaitu
    yakni yang
    """.split()
)

EN_STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own said same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up upon very was we were what
    when where which while who whom why will with would you your yours
    """.split()
)

ALL_STOPWORDS: frozenset[str] = ID_STOPWORDS | EN_STOPWORDS
