// GENERATED FILE, do not edit. Made by Scripts/make_labels.py from timm 1.0.31's data files
// timm/data/_info/imagenet_synsets.txt (class order) and timm/data/_info/imagenet_synset_to_lemma.txt (lemmas),
// taken from the timm wheel on PyPI. Regenerate with `python3 Scripts/make_labels.py`.
//
// One line per ImageNet class in Keras's class order (line 1 = class 0):
// WordNet id <TAB> short label (the first lemma) <TAB> all lemmas.
// Labels are kept as timm has them, so two classes are "crane" (134 the bird n02012849,
// 517 the machine n03126707) and two are "maillot" (638 n03710637, 639 n03710721):
// only the WordNet id tells them apart.

internal enum ImageNetLabelSource {
    static let timmVersion = "1.0.31"
}

let imageNetLabelTable = """
    n01440764\ttench\ttench, Tinca tinca
    n01443537\tgoldfish\tgoldfish, Carassius auratus
    n01484850\tgreat white shark\tgreat white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias
    n01491361\ttiger shark\ttiger shark, Galeocerdo cuvieri
    n01494475\thammerhead\thammerhead, hammerhead shark
    n01496331\telectric ray\telectric ray, crampfish, numbfish, torpedo
    n01498041\tstingray\tstingray
    n01514668\tcock\tcock
    n01514859\then\then
    n01518878\tostrich\tostrich, Struthio camelus
    n01530575\tbrambling\tbrambling, Fringilla montifringilla
    n01531178\tgoldfinch\tgoldfinch, Carduelis carduelis
    n01532829\thouse finch\thouse finch, linnet, Carpodacus mexicanus
    n01534433\tjunco\tjunco, snowbird
    n01537544\tindigo bunting\tindigo bunting, indigo finch, indigo bird, Passerina cyanea
    n01558993\trobin\trobin, American robin, Turdus migratorius
    n01560419\tbulbul\tbulbul
    n01580077\tjay\tjay
    n01582220\tmagpie\tmagpie
    n01592084\tchickadee\tchickadee
    n01601694\twater ouzel\twater ouzel, dipper
    n01608432\tkite\tkite
    n01614925\tbald eagle\tbald eagle, American eagle, Haliaeetus leucocephalus
    n01616318\tvulture\tvulture
    n01622779\tgreat grey owl\tgreat grey owl, great gray owl, Strix nebulosa
    n01629819\tEuropean fire salamander\tEuropean fire salamander, Salamandra salamandra
    n01630670\tcommon newt\tcommon newt, Triturus vulgaris
    n01631663\teft\teft
    n01632458\tspotted salamander\tspotted salamander, Ambystoma maculatum
    n01632777\taxolotl\taxolotl, mud puppy, Ambystoma mexicanum
    n01641577\tbullfrog\tbullfrog, Rana catesbeiana
    n01644373\ttree frog\ttree frog, tree-frog
    n01644900\ttailed frog\ttailed frog, bell toad, ribbed toad, tailed toad, Ascaphus trui
    n01664065\tloggerhead\tloggerhead, loggerhead turtle, Caretta caretta
    n01665541\tleatherback turtle\tleatherback turtle, leatherback, leathery turtle, Dermochelys coriacea
    n01667114\tmud turtle\tmud turtle
    n01667778\tterrapin\tterrapin
    n01669191\tbox turtle\tbox turtle, box tortoise
    n01675722\tbanded gecko\tbanded gecko
    n01677366\tcommon iguana\tcommon iguana, iguana, Iguana iguana
    n01682714\tAmerican chameleon\tAmerican chameleon, anole, Anolis carolinensis
    n01685808\twhiptail\twhiptail, whiptail lizard
    n01687978\tagama\tagama
    n01688243\tfrilled lizard\tfrilled lizard, Chlamydosaurus kingi
    n01689811\talligator lizard\talligator lizard
    n01692333\tGila monster\tGila monster, Heloderma suspectum
    n01693334\tgreen lizard\tgreen lizard, Lacerta viridis
    n01694178\tAfrican chameleon\tAfrican chameleon, Chamaeleo chamaeleon
    n01695060\tKomodo dragon\tKomodo dragon, Komodo lizard, dragon lizard, giant lizard, Varanus komodoensis
    n01697457\tAfrican crocodile\tAfrican crocodile, Nile crocodile, Crocodylus niloticus
    n01698640\tAmerican alligator\tAmerican alligator, Alligator mississipiensis
    n01704323\ttriceratops\ttriceratops
    n01728572\tthunder snake\tthunder snake, worm snake, Carphophis amoenus
    n01728920\tringneck snake\tringneck snake, ring-necked snake, ring snake
    n01729322\thognose snake\thognose snake, puff adder, sand viper
    n01729977\tgreen snake\tgreen snake, grass snake
    n01734418\tking snake\tking snake, kingsnake
    n01735189\tgarter snake\tgarter snake, grass snake
    n01737021\twater snake\twater snake
    n01739381\tvine snake\tvine snake
    n01740131\tnight snake\tnight snake, Hypsiglena torquata
    n01742172\tboa constrictor\tboa constrictor, Constrictor constrictor
    n01744401\trock python\trock python, rock snake, Python sebae
    n01748264\tIndian cobra\tIndian cobra, Naja naja
    n01749939\tgreen mamba\tgreen mamba
    n01751748\tsea snake\tsea snake
    n01753488\thorned viper\thorned viper, cerastes, sand viper, horned asp, Cerastes cornutus
    n01755581\tdiamondback\tdiamondback, diamondback rattlesnake, Crotalus adamanteus
    n01756291\tsidewinder\tsidewinder, horned rattlesnake, Crotalus cerastes
    n01768244\ttrilobite\ttrilobite
    n01770081\tharvestman\tharvestman, daddy longlegs, Phalangium opilio
    n01770393\tscorpion\tscorpion
    n01773157\tblack and gold garden spider\tblack and gold garden spider, Argiope aurantia
    n01773549\tbarn spider\tbarn spider, Araneus cavaticus
    n01773797\tgarden spider\tgarden spider, Aranea diademata
    n01774384\tblack widow\tblack widow, Latrodectus mactans
    n01774750\ttarantula\ttarantula
    n01775062\twolf spider\twolf spider, hunting spider
    n01776313\ttick\ttick
    n01784675\tcentipede\tcentipede
    n01795545\tblack grouse\tblack grouse
    n01796340\tptarmigan\tptarmigan
    n01797886\truffed grouse\truffed grouse, partridge, Bonasa umbellus
    n01798484\tprairie chicken\tprairie chicken, prairie grouse, prairie fowl
    n01806143\tpeacock\tpeacock
    n01806567\tquail\tquail
    n01807496\tpartridge\tpartridge
    n01817953\tAfrican grey\tAfrican grey, African gray, Psittacus erithacus
    n01818515\tmacaw\tmacaw
    n01819313\tsulphur-crested cockatoo\tsulphur-crested cockatoo, Kakatoe galerita, Cacatua galerita
    n01820546\tlorikeet\tlorikeet
    n01824575\tcoucal\tcoucal
    n01828970\tbee eater\tbee eater
    n01829413\thornbill\thornbill
    n01833805\thummingbird\thummingbird
    n01843065\tjacamar\tjacamar
    n01843383\ttoucan\ttoucan
    n01847000\tdrake\tdrake
    n01855032\tred-breasted merganser\tred-breasted merganser, Mergus serrator
    n01855672\tgoose\tgoose
    n01860187\tblack swan\tblack swan, Cygnus atratus
    n01871265\ttusker\ttusker
    n01872401\techidna\techidna, spiny anteater, anteater
    n01873310\tplatypus\tplatypus, duckbill, duckbilled platypus, duck-billed platypus, Ornithorhynchus anatinus
    n01877812\twallaby\twallaby, brush kangaroo
    n01882714\tkoala\tkoala, koala bear, kangaroo bear, native bear, Phascolarctos cinereus
    n01883070\twombat\twombat
    n01910747\tjellyfish\tjellyfish
    n01914609\tsea anemone\tsea anemone, anemone
    n01917289\tbrain coral\tbrain coral
    n01924916\tflatworm\tflatworm, platyhelminth
    n01930112\tnematode\tnematode, nematode worm, roundworm
    n01943899\tconch\tconch
    n01944390\tsnail\tsnail
    n01945685\tslug\tslug
    n01950731\tsea slug\tsea slug, nudibranch
    n01955084\tchiton\tchiton, coat-of-mail shell, sea cradle, polyplacophore
    n01968897\tchambered nautilus\tchambered nautilus, pearly nautilus, nautilus
    n01978287\tDungeness crab\tDungeness crab, Cancer magister
    n01978455\trock crab\trock crab, Cancer irroratus
    n01980166\tfiddler crab\tfiddler crab
    n01981276\tking crab\tking crab, Alaska crab, Alaskan king crab, Alaska king crab, Paralithodes camtschatica
    n01983481\tAmerican lobster\tAmerican lobster, Northern lobster, Maine lobster, Homarus americanus
    n01984695\tspiny lobster\tspiny lobster, langouste, rock lobster, crawfish, crayfish, sea crawfish
    n01985128\tcrayfish\tcrayfish, crawfish, crawdad, crawdaddy
    n01986214\thermit crab\thermit crab
    n01990800\tisopod\tisopod
    n02002556\twhite stork\twhite stork, Ciconia ciconia
    n02002724\tblack stork\tblack stork, Ciconia nigra
    n02006656\tspoonbill\tspoonbill
    n02007558\tflamingo\tflamingo
    n02009229\tlittle blue heron\tlittle blue heron, Egretta caerulea
    n02009912\tAmerican egret\tAmerican egret, great white heron, Egretta albus
    n02011460\tbittern\tbittern
    n02012849\tcrane\tcrane
    n02013706\tlimpkin\tlimpkin, Aramus pictus
    n02017213\tEuropean gallinule\tEuropean gallinule, Porphyrio porphyrio
    n02018207\tAmerican coot\tAmerican coot, marsh hen, mud hen, water hen, Fulica americana
    n02018795\tbustard\tbustard
    n02025239\truddy turnstone\truddy turnstone, Arenaria interpres
    n02027492\tred-backed sandpiper\tred-backed sandpiper, dunlin, Erolia alpina
    n02028035\tredshank\tredshank, Tringa totanus
    n02033041\tdowitcher\tdowitcher
    n02037110\toystercatcher\toystercatcher, oyster catcher
    n02051845\tpelican\tpelican
    n02056570\tking penguin\tking penguin, Aptenodytes patagonica
    n02058221\talbatross\talbatross, mollymawk
    n02066245\tgrey whale\tgrey whale, gray whale, devilfish, Eschrichtius gibbosus, Eschrichtius robustus
    n02071294\tkiller whale\tkiller whale, killer, orca, grampus, sea wolf, Orcinus orca
    n02074367\tdugong\tdugong, Dugong dugon
    n02077923\tsea lion\tsea lion
    n02085620\tChihuahua\tChihuahua
    n02085782\tJapanese spaniel\tJapanese spaniel
    n02085936\tMaltese dog\tMaltese dog, Maltese terrier, Maltese
    n02086079\tPekinese\tPekinese, Pekingese, Peke
    n02086240\tShih-Tzu\tShih-Tzu
    n02086646\tBlenheim spaniel\tBlenheim spaniel
    n02086910\tpapillon\tpapillon
    n02087046\ttoy terrier\ttoy terrier
    n02087394\tRhodesian ridgeback\tRhodesian ridgeback
    n02088094\tAfghan hound\tAfghan hound, Afghan
    n02088238\tbasset\tbasset, basset hound
    n02088364\tbeagle\tbeagle
    n02088466\tbloodhound\tbloodhound, sleuthhound
    n02088632\tbluetick\tbluetick
    n02089078\tblack-and-tan coonhound\tblack-and-tan coonhound
    n02089867\tWalker hound\tWalker hound, Walker foxhound
    n02089973\tEnglish foxhound\tEnglish foxhound
    n02090379\tredbone\tredbone
    n02090622\tborzoi\tborzoi, Russian wolfhound
    n02090721\tIrish wolfhound\tIrish wolfhound
    n02091032\tItalian greyhound\tItalian greyhound
    n02091134\twhippet\twhippet
    n02091244\tIbizan hound\tIbizan hound, Ibizan Podenco
    n02091467\tNorwegian elkhound\tNorwegian elkhound, elkhound
    n02091635\totterhound\totterhound, otter hound
    n02091831\tSaluki\tSaluki, gazelle hound
    n02092002\tScottish deerhound\tScottish deerhound, deerhound
    n02092339\tWeimaraner\tWeimaraner
    n02093256\tStaffordshire bullterrier\tStaffordshire bullterrier, Staffordshire bull terrier
    n02093428\tAmerican Staffordshire terrier\tAmerican Staffordshire terrier, Staffordshire terrier, American pit bull terrier, pit bull terrier
    n02093647\tBedlington terrier\tBedlington terrier
    n02093754\tBorder terrier\tBorder terrier
    n02093859\tKerry blue terrier\tKerry blue terrier
    n02093991\tIrish terrier\tIrish terrier
    n02094114\tNorfolk terrier\tNorfolk terrier
    n02094258\tNorwich terrier\tNorwich terrier
    n02094433\tYorkshire terrier\tYorkshire terrier
    n02095314\twire-haired fox terrier\twire-haired fox terrier
    n02095570\tLakeland terrier\tLakeland terrier
    n02095889\tSealyham terrier\tSealyham terrier, Sealyham
    n02096051\tAiredale\tAiredale, Airedale terrier
    n02096177\tcairn\tcairn, cairn terrier
    n02096294\tAustralian terrier\tAustralian terrier
    n02096437\tDandie Dinmont\tDandie Dinmont, Dandie Dinmont terrier
    n02096585\tBoston bull\tBoston bull, Boston terrier
    n02097047\tminiature schnauzer\tminiature schnauzer
    n02097130\tgiant schnauzer\tgiant schnauzer
    n02097209\tstandard schnauzer\tstandard schnauzer
    n02097298\tScotch terrier\tScotch terrier, Scottish terrier, Scottie
    n02097474\tTibetan terrier\tTibetan terrier, chrysanthemum dog
    n02097658\tsilky terrier\tsilky terrier, Sydney silky
    n02098105\tsoft-coated wheaten terrier\tsoft-coated wheaten terrier
    n02098286\tWest Highland white terrier\tWest Highland white terrier
    n02098413\tLhasa\tLhasa, Lhasa apso
    n02099267\tflat-coated retriever\tflat-coated retriever
    n02099429\tcurly-coated retriever\tcurly-coated retriever
    n02099601\tgolden retriever\tgolden retriever
    n02099712\tLabrador retriever\tLabrador retriever
    n02099849\tChesapeake Bay retriever\tChesapeake Bay retriever
    n02100236\tGerman short-haired pointer\tGerman short-haired pointer
    n02100583\tvizsla\tvizsla, Hungarian pointer
    n02100735\tEnglish setter\tEnglish setter
    n02100877\tIrish setter\tIrish setter, red setter
    n02101006\tGordon setter\tGordon setter
    n02101388\tBrittany spaniel\tBrittany spaniel
    n02101556\tclumber\tclumber, clumber spaniel
    n02102040\tEnglish springer\tEnglish springer, English springer spaniel
    n02102177\tWelsh springer spaniel\tWelsh springer spaniel
    n02102318\tcocker spaniel\tcocker spaniel, English cocker spaniel, cocker
    n02102480\tSussex spaniel\tSussex spaniel
    n02102973\tIrish water spaniel\tIrish water spaniel
    n02104029\tkuvasz\tkuvasz
    n02104365\tschipperke\tschipperke
    n02105056\tgroenendael\tgroenendael
    n02105162\tmalinois\tmalinois
    n02105251\tbriard\tbriard
    n02105412\tkelpie\tkelpie
    n02105505\tkomondor\tkomondor
    n02105641\tOld English sheepdog\tOld English sheepdog, bobtail
    n02105855\tShetland sheepdog\tShetland sheepdog, Shetland sheep dog, Shetland
    n02106030\tcollie\tcollie
    n02106166\tBorder collie\tBorder collie
    n02106382\tBouvier des Flandres\tBouvier des Flandres, Bouviers des Flandres
    n02106550\tRottweiler\tRottweiler
    n02106662\tGerman shepherd\tGerman shepherd, German shepherd dog, German police dog, alsatian
    n02107142\tDoberman\tDoberman, Doberman pinscher
    n02107312\tminiature pinscher\tminiature pinscher
    n02107574\tGreater Swiss Mountain dog\tGreater Swiss Mountain dog
    n02107683\tBernese mountain dog\tBernese mountain dog
    n02107908\tAppenzeller\tAppenzeller
    n02108000\tEntleBucher\tEntleBucher
    n02108089\tboxer\tboxer
    n02108422\tbull mastiff\tbull mastiff
    n02108551\tTibetan mastiff\tTibetan mastiff
    n02108915\tFrench bulldog\tFrench bulldog
    n02109047\tGreat Dane\tGreat Dane
    n02109525\tSaint Bernard\tSaint Bernard, St Bernard
    n02109961\tEskimo dog\tEskimo dog, husky
    n02110063\tmalamute\tmalamute, malemute, Alaskan malamute
    n02110185\tSiberian husky\tSiberian husky
    n02110341\tdalmatian\tdalmatian, coach dog, carriage dog
    n02110627\taffenpinscher\taffenpinscher, monkey pinscher, monkey dog
    n02110806\tbasenji\tbasenji
    n02110958\tpug\tpug, pug-dog
    n02111129\tLeonberg\tLeonberg
    n02111277\tNewfoundland\tNewfoundland, Newfoundland dog
    n02111500\tGreat Pyrenees\tGreat Pyrenees
    n02111889\tSamoyed\tSamoyed, Samoyede
    n02112018\tPomeranian\tPomeranian
    n02112137\tchow\tchow, chow chow
    n02112350\tkeeshond\tkeeshond
    n02112706\tBrabancon griffon\tBrabancon griffon
    n02113023\tPembroke\tPembroke, Pembroke Welsh corgi
    n02113186\tCardigan\tCardigan, Cardigan Welsh corgi
    n02113624\ttoy poodle\ttoy poodle
    n02113712\tminiature poodle\tminiature poodle
    n02113799\tstandard poodle\tstandard poodle
    n02113978\tMexican hairless\tMexican hairless
    n02114367\ttimber wolf\ttimber wolf, grey wolf, gray wolf, Canis lupus
    n02114548\twhite wolf\twhite wolf, Arctic wolf, Canis lupus tundrarum
    n02114712\tred wolf\tred wolf, maned wolf, Canis rufus, Canis niger
    n02114855\tcoyote\tcoyote, prairie wolf, brush wolf, Canis latrans
    n02115641\tdingo\tdingo, warrigal, warragal, Canis dingo
    n02115913\tdhole\tdhole, Cuon alpinus
    n02116738\tAfrican hunting dog\tAfrican hunting dog, hyena dog, Cape hunting dog, Lycaon pictus
    n02117135\thyena\thyena, hyaena
    n02119022\tred fox\tred fox, Vulpes vulpes
    n02119789\tkit fox\tkit fox, Vulpes macrotis
    n02120079\tArctic fox\tArctic fox, white fox, Alopex lagopus
    n02120505\tgrey fox\tgrey fox, gray fox, Urocyon cinereoargenteus
    n02123045\ttabby\ttabby, tabby cat
    n02123159\ttiger cat\ttiger cat
    n02123394\tPersian cat\tPersian cat
    n02123597\tSiamese cat\tSiamese cat, Siamese
    n02124075\tEgyptian cat\tEgyptian cat
    n02125311\tcougar\tcougar, puma, catamount, mountain lion, painter, panther, Felis concolor
    n02127052\tlynx\tlynx, catamount
    n02128385\tleopard\tleopard, Panthera pardus
    n02128757\tsnow leopard\tsnow leopard, ounce, Panthera uncia
    n02128925\tjaguar\tjaguar, panther, Panthera onca, Felis onca
    n02129165\tlion\tlion, king of beasts, Panthera leo
    n02129604\ttiger\ttiger, Panthera tigris
    n02130308\tcheetah\tcheetah, chetah, Acinonyx jubatus
    n02132136\tbrown bear\tbrown bear, bruin, Ursus arctos
    n02133161\tAmerican black bear\tAmerican black bear, black bear, Ursus americanus, Euarctos americanus
    n02134084\tice bear\tice bear, polar bear, Ursus Maritimus, Thalarctos maritimus
    n02134418\tsloth bear\tsloth bear, Melursus ursinus, Ursus ursinus
    n02137549\tmongoose\tmongoose
    n02138441\tmeerkat\tmeerkat, mierkat
    n02165105\ttiger beetle\ttiger beetle
    n02165456\tladybug\tladybug, ladybeetle, lady beetle, ladybird, ladybird beetle
    n02167151\tground beetle\tground beetle, carabid beetle
    n02168699\tlong-horned beetle\tlong-horned beetle, longicorn, longicorn beetle
    n02169497\tleaf beetle\tleaf beetle, chrysomelid
    n02172182\tdung beetle\tdung beetle
    n02174001\trhinoceros beetle\trhinoceros beetle
    n02177972\tweevil\tweevil
    n02190166\tfly\tfly
    n02206856\tbee\tbee
    n02219486\tant\tant, emmet, pismire
    n02226429\tgrasshopper\tgrasshopper, hopper
    n02229544\tcricket\tcricket
    n02231487\twalking stick\twalking stick, walkingstick, stick insect
    n02233338\tcockroach\tcockroach, roach
    n02236044\tmantis\tmantis, mantid
    n02256656\tcicada\tcicada, cicala
    n02259212\tleafhopper\tleafhopper
    n02264363\tlacewing\tlacewing, lacewing fly
    n02268443\tdragonfly\tdragonfly, darning needle, devil's darning needle, sewing needle, snake feeder, snake doctor, mosquito hawk, skeeter hawk
    n02268853\tdamselfly\tdamselfly
    n02276258\tadmiral\tadmiral
    n02277742\tringlet\tringlet, ringlet butterfly
    n02279972\tmonarch\tmonarch, monarch butterfly, milkweed butterfly, Danaus plexippus
    n02280649\tcabbage butterfly\tcabbage butterfly
    n02281406\tsulphur butterfly\tsulphur butterfly, sulfur butterfly
    n02281787\tlycaenid\tlycaenid, lycaenid butterfly
    n02317335\tstarfish\tstarfish, sea star
    n02319095\tsea urchin\tsea urchin
    n02321529\tsea cucumber\tsea cucumber, holothurian
    n02325366\twood rabbit\twood rabbit, cottontail, cottontail rabbit
    n02326432\thare\thare
    n02328150\tAngora\tAngora, Angora rabbit
    n02342885\thamster\thamster
    n02346627\tporcupine\tporcupine, hedgehog
    n02356798\tfox squirrel\tfox squirrel, eastern fox squirrel, Sciurus niger
    n02361337\tmarmot\tmarmot
    n02363005\tbeaver\tbeaver
    n02364673\tguinea pig\tguinea pig, Cavia cobaya
    n02389026\tsorrel\tsorrel
    n02391049\tzebra\tzebra
    n02395406\thog\thog, pig, grunter, squealer, Sus scrofa
    n02396427\twild boar\twild boar, boar, Sus scrofa
    n02397096\twarthog\twarthog
    n02398521\thippopotamus\thippopotamus, hippo, river horse, Hippopotamus amphibius
    n02403003\tox\tox
    n02408429\twater buffalo\twater buffalo, water ox, Asiatic buffalo, Bubalus bubalis
    n02410509\tbison\tbison
    n02412080\tram\tram, tup
    n02415577\tbighorn\tbighorn, bighorn sheep, cimarron, Rocky Mountain bighorn, Rocky Mountain sheep, Ovis canadensis
    n02417914\tibex\tibex, Capra ibex
    n02422106\thartebeest\thartebeest
    n02422699\timpala\timpala, Aepyceros melampus
    n02423022\tgazelle\tgazelle
    n02437312\tArabian camel\tArabian camel, dromedary, Camelus dromedarius
    n02437616\tllama\tllama
    n02441942\tweasel\tweasel
    n02442845\tmink\tmink
    n02443114\tpolecat\tpolecat, fitch, foulmart, foumart, Mustela putorius
    n02443484\tblack-footed ferret\tblack-footed ferret, ferret, Mustela nigripes
    n02444819\totter\totter
    n02445715\tskunk\tskunk, polecat, wood pussy
    n02447366\tbadger\tbadger
    n02454379\tarmadillo\tarmadillo
    n02457408\tthree-toed sloth\tthree-toed sloth, ai, Bradypus tridactylus
    n02480495\torangutan\torangutan, orang, orangutang, Pongo pygmaeus
    n02480855\tgorilla\tgorilla, Gorilla gorilla
    n02481823\tchimpanzee\tchimpanzee, chimp, Pan troglodytes
    n02483362\tgibbon\tgibbon, Hylobates lar
    n02483708\tsiamang\tsiamang, Hylobates syndactylus, Symphalangus syndactylus
    n02484975\tguenon\tguenon, guenon monkey
    n02486261\tpatas\tpatas, hussar monkey, Erythrocebus patas
    n02486410\tbaboon\tbaboon
    n02487347\tmacaque\tmacaque
    n02488291\tlangur\tlangur
    n02488702\tcolobus\tcolobus, colobus monkey
    n02489166\tproboscis monkey\tproboscis monkey, Nasalis larvatus
    n02490219\tmarmoset\tmarmoset
    n02492035\tcapuchin\tcapuchin, ringtail, Cebus capucinus
    n02492660\thowler monkey\thowler monkey, howler
    n02493509\ttiti\ttiti, titi monkey
    n02493793\tspider monkey\tspider monkey, Ateles geoffroyi
    n02494079\tsquirrel monkey\tsquirrel monkey, Saimiri sciureus
    n02497673\tMadagascar cat\tMadagascar cat, ring-tailed lemur, Lemur catta
    n02500267\tindri\tindri, indris, Indri indri, Indri brevicaudatus
    n02504013\tIndian elephant\tIndian elephant, Elephas maximus
    n02504458\tAfrican elephant\tAfrican elephant, Loxodonta africana
    n02509815\tlesser panda\tlesser panda, red panda, panda, bear cat, cat bear, Ailurus fulgens
    n02510455\tgiant panda\tgiant panda, panda, panda bear, coon bear, Ailuropoda melanoleuca
    n02514041\tbarracouta\tbarracouta, snoek
    n02526121\teel\teel
    n02536864\tcoho\tcoho, cohoe, coho salmon, blue jack, silver salmon, Oncorhynchus kisutch
    n02606052\trock beauty\trock beauty, Holocanthus tricolor
    n02607072\tanemone fish\tanemone fish
    n02640242\tsturgeon\tsturgeon
    n02641379\tgar\tgar, garfish, garpike, billfish, Lepisosteus osseus
    n02643566\tlionfish\tlionfish
    n02655020\tpuffer\tpuffer, pufferfish, blowfish, globefish
    n02666196\tabacus\tabacus
    n02667093\tabaya\tabaya
    n02669723\tacademic gown\tacademic gown, academic robe, judge's robe
    n02672831\taccordion\taccordion, piano accordion, squeeze box
    n02676566\tacoustic guitar\tacoustic guitar
    n02687172\taircraft carrier\taircraft carrier, carrier, flattop, attack aircraft carrier
    n02690373\tairliner\tairliner
    n02692877\tairship\tairship, dirigible
    n02699494\taltar\taltar
    n02701002\tambulance\tambulance
    n02704792\tamphibian\tamphibian, amphibious vehicle
    n02708093\tanalog clock\tanalog clock
    n02727426\tapiary\tapiary, bee house
    n02730930\tapron\tapron
    n02747177\tashcan\tashcan, trash can, garbage can, wastebin, ash bin, ash-bin, ashbin, dustbin, trash barrel, trash bin
    n02749479\tassault rifle\tassault rifle, assault gun
    n02769748\tbackpack\tbackpack, back pack, knapsack, packsack, rucksack, haversack
    n02776631\tbakery\tbakery, bakeshop, bakehouse
    n02777292\tbalance beam\tbalance beam, beam
    n02782093\tballoon\tballoon
    n02783161\tballpoint\tballpoint, ballpoint pen, ballpen, Biro
    n02786058\tBand Aid\tBand Aid
    n02787622\tbanjo\tbanjo
    n02788148\tbannister\tbannister, banister, balustrade, balusters, handrail
    n02790996\tbarbell\tbarbell
    n02791124\tbarber chair\tbarber chair
    n02791270\tbarbershop\tbarbershop
    n02793495\tbarn\tbarn
    n02794156\tbarometer\tbarometer
    n02795169\tbarrel\tbarrel, cask
    n02797295\tbarrow\tbarrow, garden cart, lawn cart, wheelbarrow
    n02799071\tbaseball\tbaseball
    n02802426\tbasketball\tbasketball
    n02804414\tbassinet\tbassinet
    n02804610\tbassoon\tbassoon
    n02807133\tbathing cap\tbathing cap, swimming cap
    n02808304\tbath towel\tbath towel
    n02808440\tbathtub\tbathtub, bathing tub, bath, tub
    n02814533\tbeach wagon\tbeach wagon, station wagon, wagon, estate car, beach waggon, station waggon, waggon
    n02814860\tbeacon\tbeacon, lighthouse, beacon light, pharos
    n02815834\tbeaker\tbeaker
    n02817516\tbearskin\tbearskin, busby, shako
    n02823428\tbeer bottle\tbeer bottle
    n02823750\tbeer glass\tbeer glass
    n02825657\tbell cote\tbell cote, bell cot
    n02834397\tbib\tbib
    n02835271\tbicycle-built-for-two\tbicycle-built-for-two, tandem bicycle, tandem
    n02837789\tbikini\tbikini, two-piece
    n02840245\tbinder\tbinder, ring-binder
    n02841315\tbinoculars\tbinoculars, field glasses, opera glasses
    n02843684\tbirdhouse\tbirdhouse
    n02859443\tboathouse\tboathouse
    n02860847\tbobsled\tbobsled, bobsleigh, bob
    n02865351\tbolo tie\tbolo tie, bolo, bola tie, bola
    n02869837\tbonnet\tbonnet, poke bonnet
    n02870880\tbookcase\tbookcase
    n02871525\tbookshop\tbookshop, bookstore, bookstall
    n02877765\tbottlecap\tbottlecap
    n02879718\tbow\tbow
    n02883205\tbow tie\tbow tie, bow-tie, bowtie
    n02892201\tbrass\tbrass, memorial tablet, plaque
    n02892767\tbrassiere\tbrassiere, bra, bandeau
    n02894605\tbreakwater\tbreakwater, groin, groyne, mole, bulwark, seawall, jetty
    n02895154\tbreastplate\tbreastplate, aegis, egis
    n02906734\tbroom\tbroom
    n02909870\tbucket\tbucket, pail
    n02910353\tbuckle\tbuckle
    n02916936\tbulletproof vest\tbulletproof vest
    n02917067\tbullet train\tbullet train, bullet
    n02927161\tbutcher shop\tbutcher shop, meat market
    n02930766\tcab\tcab, hack, taxi, taxicab
    n02939185\tcaldron\tcaldron, cauldron
    n02948072\tcandle\tcandle, taper, wax light
    n02950826\tcannon\tcannon
    n02951358\tcanoe\tcanoe
    n02951585\tcan opener\tcan opener, tin opener
    n02963159\tcardigan\tcardigan
    n02965783\tcar mirror\tcar mirror
    n02966193\tcarousel\tcarousel, carrousel, merry-go-round, roundabout, whirligig
    n02966687\tcarpenter's kit\tcarpenter's kit, tool kit
    n02971356\tcarton\tcarton
    n02974003\tcar wheel\tcar wheel
    n02977058\tcash machine\tcash machine, cash dispenser, automated teller machine, automatic teller machine, automated teller, automatic teller, ATM
    n02978881\tcassette\tcassette
    n02979186\tcassette player\tcassette player
    n02980441\tcastle\tcastle
    n02981792\tcatamaran\tcatamaran
    n02988304\tCD player\tCD player
    n02992211\tcello\tcello, violoncello
    n02992529\tcellular telephone\tcellular telephone, cellular phone, cellphone, cell, mobile phone
    n02999410\tchain\tchain
    n03000134\tchainlink fence\tchainlink fence
    n03000247\tchain mail\tchain mail, ring mail, mail, chain armor, chain armour, ring armor, ring armour
    n03000684\tchain saw\tchain saw, chainsaw
    n03014705\tchest\tchest
    n03016953\tchiffonier\tchiffonier, commode
    n03017168\tchime\tchime, bell, gong
    n03018349\tchina cabinet\tchina cabinet, china closet
    n03026506\tChristmas stocking\tChristmas stocking
    n03028079\tchurch\tchurch, church building
    n03032252\tcinema\tcinema, movie theater, movie theatre, movie house, picture palace
    n03041632\tcleaver\tcleaver, meat cleaver, chopper
    n03042490\tcliff dwelling\tcliff dwelling
    n03045698\tcloak\tcloak
    n03047690\tclog\tclog, geta, patten, sabot
    n03062245\tcocktail shaker\tcocktail shaker
    n03063599\tcoffee mug\tcoffee mug
    n03063689\tcoffeepot\tcoffeepot
    n03065424\tcoil\tcoil, spiral, volute, whorl, helix
    n03075370\tcombination lock\tcombination lock
    n03085013\tcomputer keyboard\tcomputer keyboard, keypad
    n03089624\tconfectionery\tconfectionery, confectionary, candy store
    n03095699\tcontainer ship\tcontainer ship, containership, container vessel
    n03100240\tconvertible\tconvertible
    n03109150\tcorkscrew\tcorkscrew, bottle screw
    n03110669\tcornet\tcornet, horn, trumpet, trump
    n03124043\tcowboy boot\tcowboy boot
    n03124170\tcowboy hat\tcowboy hat, ten-gallon hat
    n03125729\tcradle\tcradle
    n03126707\tcrane\tcrane
    n03127747\tcrash helmet\tcrash helmet
    n03127925\tcrate\tcrate
    n03131574\tcrib\tcrib, cot
    n03133878\tCrock Pot\tCrock Pot
    n03134739\tcroquet ball\tcroquet ball
    n03141823\tcrutch\tcrutch
    n03146219\tcuirass\tcuirass
    n03160309\tdam\tdam, dike, dyke
    n03179701\tdesk\tdesk
    n03180011\tdesktop computer\tdesktop computer
    n03187595\tdial telephone\tdial telephone, dial phone
    n03188531\tdiaper\tdiaper, nappy, napkin
    n03196217\tdigital clock\tdigital clock
    n03197337\tdigital watch\tdigital watch
    n03201208\tdining table\tdining table, board
    n03207743\tdishrag\tdishrag, dishcloth
    n03207941\tdishwasher\tdishwasher, dish washer, dishwashing machine
    n03208938\tdisk brake\tdisk brake, disc brake
    n03216828\tdock\tdock, dockage, docking facility
    n03218198\tdogsled\tdogsled, dog sled, dog sleigh
    n03220513\tdome\tdome
    n03223299\tdoormat\tdoormat, welcome mat
    n03240683\tdrilling platform\tdrilling platform, offshore rig
    n03249569\tdrum\tdrum, membranophone, tympan
    n03250847\tdrumstick\tdrumstick
    n03255030\tdumbbell\tdumbbell
    n03259280\tDutch oven\tDutch oven
    n03271574\telectric fan\telectric fan, blower
    n03272010\telectric guitar\telectric guitar
    n03272562\telectric locomotive\telectric locomotive
    n03290653\tentertainment center\tentertainment center
    n03291819\tenvelope\tenvelope
    n03297495\tespresso maker\tespresso maker
    n03314780\tface powder\tface powder
    n03325584\tfeather boa\tfeather boa, boa
    n03337140\tfile\tfile, file cabinet, filing cabinet
    n03344393\tfireboat\tfireboat
    n03345487\tfire engine\tfire engine, fire truck
    n03347037\tfire screen\tfire screen, fireguard
    n03355925\tflagpole\tflagpole, flagstaff
    n03372029\tflute\tflute, transverse flute
    n03376595\tfolding chair\tfolding chair
    n03379051\tfootball helmet\tfootball helmet
    n03384352\tforklift\tforklift
    n03388043\tfountain\tfountain
    n03388183\tfountain pen\tfountain pen
    n03388549\tfour-poster\tfour-poster
    n03393912\tfreight car\tfreight car
    n03394916\tFrench horn\tFrench horn, horn
    n03400231\tfrying pan\tfrying pan, frypan, skillet
    n03404251\tfur coat\tfur coat
    n03417042\tgarbage truck\tgarbage truck, dustcart
    n03424325\tgasmask\tgasmask, respirator, gas helmet
    n03425413\tgas pump\tgas pump, gasoline pump, petrol pump, island dispenser
    n03443371\tgoblet\tgoblet
    n03444034\tgo-kart\tgo-kart
    n03445777\tgolf ball\tgolf ball
    n03445924\tgolfcart\tgolfcart, golf cart
    n03447447\tgondola\tgondola
    n03447721\tgong\tgong, tam-tam
    n03450230\tgown\tgown
    n03452741\tgrand piano\tgrand piano, grand
    n03457902\tgreenhouse\tgreenhouse, nursery, glasshouse
    n03459775\tgrille\tgrille, radiator grille
    n03461385\tgrocery store\tgrocery store, grocery, food market, market
    n03467068\tguillotine\tguillotine
    n03476684\thair slide\thair slide
    n03476991\thair spray\thair spray
    n03478589\thalf track\thalf track
    n03481172\thammer\thammer
    n03482405\thamper\thamper
    n03483316\thand blower\thand blower, blow dryer, blow drier, hair dryer, hair drier
    n03485407\thand-held computer\thand-held computer, hand-held microcomputer
    n03485794\thandkerchief\thandkerchief, hankie, hanky, hankey
    n03492542\thard disc\thard disc, hard disk, fixed disk
    n03494278\tharmonica\tharmonica, mouth organ, harp, mouth harp
    n03495258\tharp\tharp
    n03496892\tharvester\tharvester, reaper
    n03498962\thatchet\thatchet
    n03527444\tholster\tholster
    n03529860\thome theater\thome theater, home theatre
    n03530642\thoneycomb\thoneycomb
    n03532672\thook\thook, claw
    n03534580\thoopskirt\thoopskirt, crinoline
    n03535780\thorizontal bar\thorizontal bar, high bar
    n03538406\thorse cart\thorse cart, horse-cart
    n03544143\thourglass\thourglass
    n03584254\tiPod\tiPod
    n03584829\tiron\tiron, smoothing iron
    n03590841\tjack-o'-lantern\tjack-o'-lantern
    n03594734\tjean\tjean, blue jean, denim
    n03594945\tjeep\tjeep, landrover
    n03595614\tjersey\tjersey, T-shirt, tee shirt
    n03598930\tjigsaw puzzle\tjigsaw puzzle
    n03599486\tjinrikisha\tjinrikisha, ricksha, rickshaw
    n03602883\tjoystick\tjoystick
    n03617480\tkimono\tkimono
    n03623198\tknee pad\tknee pad
    n03627232\tknot\tknot
    n03630383\tlab coat\tlab coat, laboratory coat
    n03633091\tladle\tladle
    n03637318\tlampshade\tlampshade, lamp shade
    n03642806\tlaptop\tlaptop, laptop computer
    n03649909\tlawn mower\tlawn mower, mower
    n03657121\tlens cap\tlens cap, lens cover
    n03658185\tletter opener\tletter opener, paper knife, paperknife
    n03661043\tlibrary\tlibrary
    n03662601\tlifeboat\tlifeboat
    n03666591\tlighter\tlighter, light, igniter, ignitor
    n03670208\tlimousine\tlimousine, limo
    n03673027\tliner\tliner, ocean liner
    n03676483\tlipstick\tlipstick, lip rouge
    n03680355\tLoafer\tLoafer
    n03690938\tlotion\tlotion
    n03691459\tloudspeaker\tloudspeaker, speaker, speaker unit, loudspeaker system, speaker system
    n03692522\tloupe\tloupe, jeweler's loupe
    n03697007\tlumbermill\tlumbermill, sawmill
    n03706229\tmagnetic compass\tmagnetic compass
    n03709823\tmailbag\tmailbag, postbag
    n03710193\tmailbox\tmailbox, letter box
    n03710637\tmaillot\tmaillot
    n03710721\tmaillot\tmaillot, tank suit
    n03717622\tmanhole cover\tmanhole cover
    n03720891\tmaraca\tmaraca
    n03721384\tmarimba\tmarimba, xylophone
    n03724870\tmask\tmask
    n03729826\tmatchstick\tmatchstick
    n03733131\tmaypole\tmaypole
    n03733281\tmaze\tmaze, labyrinth
    n03733805\tmeasuring cup\tmeasuring cup
    n03742115\tmedicine chest\tmedicine chest, medicine cabinet
    n03743016\tmegalith\tmegalith, megalithic structure
    n03759954\tmicrophone\tmicrophone, mike
    n03761084\tmicrowave\tmicrowave, microwave oven
    n03763968\tmilitary uniform\tmilitary uniform
    n03764736\tmilk can\tmilk can
    n03769881\tminibus\tminibus
    n03770439\tminiskirt\tminiskirt, mini
    n03770679\tminivan\tminivan
    n03773504\tmissile\tmissile
    n03775071\tmitten\tmitten
    n03775546\tmixing bowl\tmixing bowl
    n03776460\tmobile home\tmobile home, manufactured home
    n03777568\tModel T\tModel T
    n03777754\tmodem\tmodem
    n03781244\tmonastery\tmonastery
    n03782006\tmonitor\tmonitor
    n03785016\tmoped\tmoped
    n03786901\tmortar\tmortar
    n03787032\tmortarboard\tmortarboard
    n03788195\tmosque\tmosque
    n03788365\tmosquito net\tmosquito net
    n03791053\tmotor scooter\tmotor scooter, scooter
    n03792782\tmountain bike\tmountain bike, all-terrain bike, off-roader
    n03792972\tmountain tent\tmountain tent
    n03793489\tmouse\tmouse, computer mouse
    n03794056\tmousetrap\tmousetrap
    n03796401\tmoving van\tmoving van
    n03803284\tmuzzle\tmuzzle
    n03804744\tnail\tnail
    n03814639\tneck brace\tneck brace
    n03814906\tnecklace\tnecklace
    n03825788\tnipple\tnipple
    n03832673\tnotebook\tnotebook, notebook computer
    n03837869\tobelisk\tobelisk
    n03838899\toboe\toboe, hautboy, hautbois
    n03840681\tocarina\tocarina, sweet potato
    n03841143\todometer\todometer, hodometer, mileometer, milometer
    n03843555\toil filter\toil filter
    n03854065\torgan\torgan, pipe organ
    n03857828\toscilloscope\toscilloscope, scope, cathode-ray oscilloscope, CRO
    n03866082\toverskirt\toverskirt
    n03868242\toxcart\toxcart
    n03868863\toxygen mask\toxygen mask
    n03871628\tpacket\tpacket
    n03873416\tpaddle\tpaddle, boat paddle
    n03874293\tpaddlewheel\tpaddlewheel, paddle wheel
    n03874599\tpadlock\tpadlock
    n03876231\tpaintbrush\tpaintbrush
    n03877472\tpajama\tpajama, pyjama, pj's, jammies
    n03877845\tpalace\tpalace
    n03884397\tpanpipe\tpanpipe, pandean pipe, syrinx
    n03887697\tpaper towel\tpaper towel
    n03888257\tparachute\tparachute, chute
    n03888605\tparallel bars\tparallel bars, bars
    n03891251\tpark bench\tpark bench
    n03891332\tparking meter\tparking meter
    n03895866\tpassenger car\tpassenger car, coach, carriage
    n03899768\tpatio\tpatio, terrace
    n03902125\tpay-phone\tpay-phone, pay-station
    n03903868\tpedestal\tpedestal, plinth, footstall
    n03908618\tpencil box\tpencil box, pencil case
    n03908714\tpencil sharpener\tpencil sharpener
    n03916031\tperfume\tperfume, essence
    n03920288\tPetri dish\tPetri dish
    n03924679\tphotocopier\tphotocopier
    n03929660\tpick\tpick, plectrum, plectron
    n03929855\tpickelhaube\tpickelhaube
    n03930313\tpicket fence\tpicket fence, paling
    n03930630\tpickup\tpickup, pickup truck
    n03933933\tpier\tpier
    n03935335\tpiggy bank\tpiggy bank, penny bank
    n03937543\tpill bottle\tpill bottle
    n03938244\tpillow\tpillow
    n03942813\tping-pong ball\tping-pong ball
    n03944341\tpinwheel\tpinwheel
    n03947888\tpirate\tpirate, pirate ship
    n03950228\tpitcher\tpitcher, ewer
    n03954731\tplane\tplane, carpenter's plane, woodworking plane
    n03956157\tplanetarium\tplanetarium
    n03958227\tplastic bag\tplastic bag
    n03961711\tplate rack\tplate rack
    n03967562\tplow\tplow, plough
    n03970156\tplunger\tplunger, plumber's helper
    n03976467\tPolaroid camera\tPolaroid camera, Polaroid Land camera
    n03976657\tpole\tpole
    n03977966\tpolice van\tpolice van, police wagon, paddy wagon, patrol wagon, wagon, black Maria
    n03980874\tponcho\tponcho
    n03982430\tpool table\tpool table, billiard table, snooker table
    n03983396\tpop bottle\tpop bottle, soda bottle
    n03991062\tpot\tpot, flowerpot
    n03992509\tpotter's wheel\tpotter's wheel
    n03995372\tpower drill\tpower drill
    n03998194\tprayer rug\tprayer rug, prayer mat
    n04004767\tprinter\tprinter
    n04005630\tprison\tprison, prison house
    n04008634\tprojectile\tprojectile, missile
    n04009552\tprojector\tprojector
    n04019541\tpuck\tpuck, hockey puck
    n04023962\tpunching bag\tpunching bag, punch bag, punching ball, punchball
    n04026417\tpurse\tpurse
    n04033901\tquill\tquill, quill pen
    n04033995\tquilt\tquilt, comforter, comfort, puff
    n04037443\tracer\tracer, race car, racing car
    n04039381\tracket\tracket, racquet
    n04040759\tradiator\tradiator
    n04041544\tradio\tradio, wireless
    n04044716\tradio telescope\tradio telescope, radio reflector
    n04049303\train barrel\train barrel
    n04065272\trecreational vehicle\trecreational vehicle, RV, R.V.
    n04067472\treel\treel
    n04069434\treflex camera\treflex camera
    n04070727\trefrigerator\trefrigerator, icebox
    n04074963\tremote control\tremote control, remote
    n04081281\trestaurant\trestaurant, eating house, eating place, eatery
    n04086273\trevolver\trevolver, six-gun, six-shooter
    n04090263\trifle\trifle
    n04099969\trocking chair\trocking chair, rocker
    n04111531\trotisserie\trotisserie
    n04116512\trubber eraser\trubber eraser, rubber, pencil eraser
    n04118538\trugby ball\trugby ball
    n04118776\trule\trule, ruler
    n04120489\trunning shoe\trunning shoe
    n04125021\tsafe\tsafe
    n04127249\tsafety pin\tsafety pin
    n04131690\tsaltshaker\tsaltshaker, salt shaker
    n04133789\tsandal\tsandal
    n04136333\tsarong\tsarong
    n04141076\tsax\tsax, saxophone
    n04141327\tscabbard\tscabbard
    n04141975\tscale\tscale, weighing machine
    n04146614\tschool bus\tschool bus
    n04147183\tschooner\tschooner
    n04149813\tscoreboard\tscoreboard
    n04152593\tscreen\tscreen, CRT screen
    n04153751\tscrew\tscrew
    n04154565\tscrewdriver\tscrewdriver
    n04162706\tseat belt\tseat belt, seatbelt
    n04179913\tsewing machine\tsewing machine
    n04192698\tshield\tshield, buckler
    n04200800\tshoe shop\tshoe shop, shoe-shop, shoe store
    n04201297\tshoji\tshoji
    n04204238\tshopping basket\tshopping basket
    n04204347\tshopping cart\tshopping cart
    n04208210\tshovel\tshovel
    n04209133\tshower cap\tshower cap
    n04209239\tshower curtain\tshower curtain
    n04228054\tski\tski
    n04229816\tski mask\tski mask
    n04235860\tsleeping bag\tsleeping bag
    n04238763\tslide rule\tslide rule, slipstick
    n04239074\tsliding door\tsliding door
    n04243546\tslot\tslot, one-armed bandit
    n04251144\tsnorkel\tsnorkel
    n04252077\tsnowmobile\tsnowmobile
    n04252225\tsnowplow\tsnowplow, snowplough
    n04254120\tsoap dispenser\tsoap dispenser
    n04254680\tsoccer ball\tsoccer ball
    n04254777\tsock\tsock
    n04258138\tsolar dish\tsolar dish, solar collector, solar furnace
    n04259630\tsombrero\tsombrero
    n04263257\tsoup bowl\tsoup bowl
    n04264628\tspace bar\tspace bar
    n04265275\tspace heater\tspace heater
    n04266014\tspace shuttle\tspace shuttle
    n04270147\tspatula\tspatula
    n04273569\tspeedboat\tspeedboat
    n04275548\tspider web\tspider web, spider's web
    n04277352\tspindle\tspindle
    n04285008\tsports car\tsports car, sport car
    n04286575\tspotlight\tspotlight, spot
    n04296562\tstage\tstage
    n04310018\tsteam locomotive\tsteam locomotive
    n04311004\tsteel arch bridge\tsteel arch bridge
    n04311174\tsteel drum\tsteel drum
    n04317175\tstethoscope\tstethoscope
    n04325704\tstole\tstole
    n04326547\tstone wall\tstone wall
    n04328186\tstopwatch\tstopwatch, stop watch
    n04330267\tstove\tstove
    n04332243\tstrainer\tstrainer
    n04335435\tstreetcar\tstreetcar, tram, tramcar, trolley, trolley car
    n04336792\tstretcher\tstretcher
    n04344873\tstudio couch\tstudio couch, day bed
    n04346328\tstupa\tstupa, tope
    n04347754\tsubmarine\tsubmarine, pigboat, sub, U-boat
    n04350905\tsuit\tsuit, suit of clothes
    n04355338\tsundial\tsundial
    n04355933\tsunglass\tsunglass
    n04356056\tsunglasses\tsunglasses, dark glasses, shades
    n04357314\tsunscreen\tsunscreen, sunblock, sun blocker
    n04366367\tsuspension bridge\tsuspension bridge
    n04367480\tswab\tswab, swob, mop
    n04370456\tsweatshirt\tsweatshirt
    n04371430\tswimming trunks\tswimming trunks, bathing trunks
    n04371774\tswing\tswing
    n04372370\tswitch\tswitch, electric switch, electrical switch
    n04376876\tsyringe\tsyringe
    n04380533\ttable lamp\ttable lamp
    n04389033\ttank\ttank, army tank, armored combat vehicle, armoured combat vehicle
    n04392985\ttape player\ttape player
    n04398044\tteapot\tteapot
    n04399382\tteddy\tteddy, teddy bear
    n04404412\ttelevision\ttelevision, television system
    n04409515\ttennis ball\ttennis ball
    n04417672\tthatch\tthatch, thatched roof
    n04418357\ttheater curtain\ttheater curtain, theatre curtain
    n04423845\tthimble\tthimble
    n04428191\tthresher\tthresher, thrasher, threshing machine
    n04429376\tthrone\tthrone
    n04435653\ttile roof\ttile roof
    n04442312\ttoaster\ttoaster
    n04443257\ttobacco shop\ttobacco shop, tobacconist shop, tobacconist
    n04447861\ttoilet seat\ttoilet seat
    n04456115\ttorch\ttorch
    n04458633\ttotem pole\ttotem pole
    n04461696\ttow truck\ttow truck, tow car, wrecker
    n04462240\ttoyshop\ttoyshop
    n04465501\ttractor\ttractor
    n04467665\ttrailer truck\ttrailer truck, tractor trailer, trucking rig, rig, articulated lorry, semi
    n04476259\ttray\ttray
    n04479046\ttrench coat\ttrench coat
    n04482393\ttricycle\ttricycle, trike, velocipede
    n04483307\ttrimaran\ttrimaran
    n04485082\ttripod\ttripod
    n04486054\ttriumphal arch\ttriumphal arch
    n04487081\ttrolleybus\ttrolleybus, trolley coach, trackless trolley
    n04487394\ttrombone\ttrombone
    n04493381\ttub\ttub, vat
    n04501370\tturnstile\tturnstile
    n04505470\ttypewriter keyboard\ttypewriter keyboard
    n04507155\tumbrella\tumbrella
    n04509417\tunicycle\tunicycle, monocycle
    n04515003\tupright\tupright, upright piano
    n04517823\tvacuum\tvacuum, vacuum cleaner
    n04522168\tvase\tvase
    n04523525\tvault\tvault
    n04525038\tvelvet\tvelvet
    n04525305\tvending machine\tvending machine
    n04532106\tvestment\tvestment
    n04532670\tviaduct\tviaduct
    n04536866\tviolin\tviolin, fiddle
    n04540053\tvolleyball\tvolleyball
    n04542943\twaffle iron\twaffle iron
    n04548280\twall clock\twall clock
    n04548362\twallet\twallet, billfold, notecase, pocketbook
    n04550184\twardrobe\twardrobe, closet, press
    n04552348\twarplane\twarplane, military plane
    n04553703\twashbasin\twashbasin, handbasin, washbowl, lavabo, wash-hand basin
    n04554684\twasher\twasher, automatic washer, washing machine
    n04557648\twater bottle\twater bottle
    n04560804\twater jug\twater jug
    n04562935\twater tower\twater tower
    n04579145\twhiskey jug\twhiskey jug
    n04579432\twhistle\twhistle
    n04584207\twig\twig
    n04589890\twindow screen\twindow screen
    n04590129\twindow shade\twindow shade
    n04591157\tWindsor tie\tWindsor tie
    n04591713\twine bottle\twine bottle
    n04592741\twing\twing
    n04596742\twok\twok
    n04597913\twooden spoon\twooden spoon
    n04599235\twool\twool, woolen, woollen
    n04604644\tworm fence\tworm fence, snake fence, snake-rail fence, Virginia fence
    n04606251\twreck\twreck
    n04612504\tyawl\tyawl
    n04613696\tyurt\tyurt
    n06359193\tweb site\tweb site, website, internet site, site
    n06596364\tcomic book\tcomic book
    n06785654\tcrossword puzzle\tcrossword puzzle, crossword
    n06794110\tstreet sign\tstreet sign
    n06874185\ttraffic light\ttraffic light, traffic signal, stoplight
    n07248320\tbook jacket\tbook jacket, dust cover, dust jacket, dust wrapper
    n07565083\tmenu\tmenu
    n07579787\tplate\tplate
    n07583066\tguacamole\tguacamole
    n07584110\tconsomme\tconsomme
    n07590611\thot pot\thot pot, hotpot
    n07613480\ttrifle\ttrifle
    n07614500\tice cream\tice cream, icecream
    n07615774\tice lolly\tice lolly, lolly, lollipop, popsicle
    n07684084\tFrench loaf\tFrench loaf
    n07693725\tbagel\tbagel, beigel
    n07695742\tpretzel\tpretzel
    n07697313\tcheeseburger\tcheeseburger
    n07697537\thotdog\thotdog, hot dog, red hot
    n07711569\tmashed potato\tmashed potato
    n07714571\thead cabbage\thead cabbage
    n07714990\tbroccoli\tbroccoli
    n07715103\tcauliflower\tcauliflower
    n07716358\tzucchini\tzucchini, courgette
    n07716906\tspaghetti squash\tspaghetti squash
    n07717410\tacorn squash\tacorn squash
    n07717556\tbutternut squash\tbutternut squash
    n07718472\tcucumber\tcucumber, cuke
    n07718747\tartichoke\tartichoke, globe artichoke
    n07720875\tbell pepper\tbell pepper
    n07730033\tcardoon\tcardoon
    n07734744\tmushroom\tmushroom
    n07742313\tGranny Smith\tGranny Smith
    n07745940\tstrawberry\tstrawberry
    n07747607\torange\torange
    n07749582\tlemon\tlemon
    n07753113\tfig\tfig
    n07753275\tpineapple\tpineapple, ananas
    n07753592\tbanana\tbanana
    n07754684\tjackfruit\tjackfruit, jak, jack
    n07760859\tcustard apple\tcustard apple
    n07768694\tpomegranate\tpomegranate
    n07802026\thay\thay
    n07831146\tcarbonara\tcarbonara
    n07836838\tchocolate sauce\tchocolate sauce, chocolate syrup
    n07860988\tdough\tdough
    n07871810\tmeat loaf\tmeat loaf, meatloaf
    n07873807\tpizza\tpizza, pizza pie
    n07875152\tpotpie\tpotpie
    n07880968\tburrito\tburrito
    n07892512\tred wine\tred wine
    n07920052\tespresso\tespresso
    n07930864\tcup\tcup
    n07932039\teggnog\teggnog
    n09193705\talp\talp
    n09229709\tbubble\tbubble
    n09246464\tcliff\tcliff, drop, drop-off
    n09256479\tcoral reef\tcoral reef
    n09288635\tgeyser\tgeyser
    n09332890\tlakeside\tlakeside, lakeshore
    n09399592\tpromontory\tpromontory, headland, head, foreland
    n09421951\tsandbar\tsandbar, sand bar
    n09428293\tseashore\tseashore, coast, seacoast, sea-coast
    n09468604\tvalley\tvalley, vale
    n09472597\tvolcano\tvolcano
    n09835506\tballplayer\tballplayer, baseball player
    n10148035\tgroom\tgroom, bridegroom
    n10565667\tscuba diver\tscuba diver
    n11879895\trapeseed\trapeseed
    n11939491\tdaisy\tdaisy
    n12057211\tyellow lady's slipper\tyellow lady's slipper, yellow lady-slipper, Cypripedium calceolus, Cypripedium parviflorum
    n12144580\tcorn\tcorn
    n12267677\tacorn\tacorn
    n12620546\thip\thip, rose hip, rosehip
    n12768682\tbuckeye\tbuckeye, horse chestnut, conker
    n12985857\tcoral fungus\tcoral fungus
    n12998815\tagaric\tagaric
    n13037406\tgyromitra\tgyromitra
    n13040303\tstinkhorn\tstinkhorn, carrion fungus
    n13044778\tearthstar\tearthstar
    n13052670\then-of-the-woods\then-of-the-woods, hen of the woods, Polyporus frondosus, Grifola frondosa
    n13054560\tbolete\tbolete
    n13133613\tear\tear, spike, capitulum
    n15075141\ttoilet tissue\ttoilet tissue, toilet paper, bathroom tissue
    """
