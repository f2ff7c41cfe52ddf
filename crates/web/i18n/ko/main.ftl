# 한국어 — 부분 번역. 없는 키는 영어로 표시됩니다.

skip-to-content = 본문으로 건너뛰기
nav-main = 주 메뉴
nav-home = 홈
nav-language = 언어
lang-fr = Français
lang-en = English
lang-ko = 한국어
home-title = 홈
home-heading = Passerelle에 오신 것을 환영합니다
error-404-title = 페이지를 찾을 수 없습니다
error-back-home = 홈으로 돌아가기
