"""Common English-language given names that are nearly always one gender (written by hand from
general knowledge of popular US names, with their usual short forms). Names given to both
(Jordan, Taylor, Sam, Alex, Dana, Kelly, Lee, Terry, Robin ...) are left out on purpose: a
name here is evidence of gender, a name not here is none."""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


MALE = _names("""
aaron abe adam adrian al alan albert alberto alejandro alexander alfred allen alvin andre
andres andrew andy angelo anthony antonio arnold arthur barry ben benjamin bernard bernie bill
billy bob bobby brad bradley brandon brent brett brian bruce bryan calvin carl carlos cecil
charles charlie chester chris christopher chuck clarence claude clifford clyde colin corey
craig curtis dale dan daniel danny darrell darryl dave david dean dennis derek derrick diego
dick don donald doug douglas duane dustin earl ed eddie edgar eduardo edward edwin elmer
emilio eric erik ernest ernesto eugene felix fernando floyd francisco frank franklin fred
frederick gabriel gary gene geoffrey george gerald gilbert glen glenn gordon greg gregory
guillermo gustavo hank harold harry harvey hector henry herbert herman howard hugh ian isaac
ivan jack jacob jake james jared javier jay jeff jeffery jeffrey jeremy jerome jerry jim
jimmy joe joel joey john johnny jon jonathan jorge jose joseph josh joshua juan julian julio
justin karl keith ken kenneth kevin kurt kyle larry lawrence leo leon leonard leroy lewis
lloyd louis lucas luis luke malcolm manuel marc marco marcus mario mark martin marvin matt
matthew maurice max melvin michael miguel mike mitch mitchell mohammed muhammad nathan
nathaniel neil nicholas nick norman oliver omar oscar pablo patrick paul pedro pete peter
phil philip phillip rafael ralph ramon randall randy ray raymond reginald richard rick ricky
rob robert roberto rodney roger roland ron ronald ronnie ross roy ruben rudy russell ryan
salvador samuel scott sean sergio seth shane shawn stanley stephen steve steven stuart ted
theodore thomas tim timothy todd tom tommy tony travis troy tyler vernon victor vincent wade
walter warren wayne wesley william zachary
abdullah ahmed antonin ayman barack barron bashar beto boris bret cornel cornell cory deval
devin dmitry dwayne dwyane elijah emmanuel enrique felipe fidel francois gerard giuseppe
hakeem hans hassan helmut horst hugo hussein jeb jeh jesse joaquin jurgen kanye khizr kobe
lamar lebron lester lou mahmoud matteo mauricio merrick mitt mustafa newt nicolas nigel
orrin osama piers preet rahm rand raul recep reggie reince rex robby rod rupert sebastian
sergei sherrod shinzo silvio trey tucker vicente viktor vladimir wolfgang
""")

FEMALE = _names("""
abigail agnes alice alicia alison allison alma amanda amber amy ana andrea angela angelica
anita ann anna anne annette annie april arlene ashley audrey barbara beatrice becky bernice
beth betsy betty beverly bonnie brenda brittany candace carla carly carmen carol carole
caroline carolyn carrie catherine cathy charlene charlotte cheryl christina christine cindy
claire clara claudia colleen connie constance courtney crystal cynthia daisy danielle darlene
dawn debbie deborah debra denise diana diane dianne dolores donna dora doris dorothy edith
edna eileen elaine eleanor elena elizabeth ellen eloise elsie emily emma erica erika esther
ethel eva evelyn felicia florence frances gail geraldine gertrude gina gladys glenda gloria
grace gwendolyn hannah hazel heather heidi helen hillary hilary holly ida irene irma isabel
jackie jacqueline jane janet janice jean jeanette jeanne jennifer jenny jessica jill joan
joann joanne josephine joy joyce juanita judith judy julia julie june karen katherine
kathleen kathryn kathy katie katrina kay kimberly kristen kristin laura lauren leah
lillian linda lisa loretta lori lorraine louise lucille lucy lydia lynn mabel madeleine
madeline maggie marcia margaret margie maria marian marie marilyn marjorie marlene marsha
martha mary maureen megan melanie melinda melissa michele michelle mildred miriam molly
monica nancy naomi natalie nellie nicole nikki nina nora norma olivia pamela patricia patsy
paula pauline pearl peggy penny phyllis priscilla rachel ramona rebecca regina renee rhonda
rita roberta rosa rose rosemary ruby ruth sally samantha sandra sara sarah sharon sheila
shelly sherry shirley sonia sophia stacey stacy stella stephanie sue susan suzanne sylvia
tamara tammy tanya tara teresa theresa tiffany tina toni tracey valerie vanessa vera
veronica vicki victoria viola violet virginia vivian wanda wendy wilma yolanda yvonne
abby aisha alexandra amelia ava bridget brooke camille cassandra cecile celeste chelsea
chloe condoleezza cristina daphne elise eliza ella erin fatima francesca greta gretchen
harriet helena huma ileana ingrid irina isabella ivanka jasmine jeanine jenna jillian joanna
jocelyn jodi joni julianne kamala kara kari kate katharine katy kellyanne kendra kirsten
kristi kristina kristine leila lena liza lorena lucia mallory marcy margo marina marisa
maura maxine maya mazie meghan megyn melania meredith meryl mia michaela miranda mona nadia
nadine natasha neera nicola noelle olga oprah paige pam patty penelope phoebe rachael
rebekah rosalind roxanne sabrina selena serena shelley sheryl simone sofia sophie susana
susanna svetlana tatiana tessa tonya trisha tulsi ursula yulia yvette zainab zoe
""")
